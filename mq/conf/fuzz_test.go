package conf

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to Load. Load must not panic, must return
// either a config or an error wrapping one of the package sentinels, and a
// loaded config must survive Validate and the derived parsers.
func FuzzLoad(f *testing.F) {
	typical, err := os.ReadFile(filepath.Join("testdata", "broker.conf"))
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(typical),
		"",
		"brokerName=b1\r\nbrokerId = 0\n",
		"namesrvAddr=a:1;\\\n  b:2\\",
		`brokerName=\u0041\=\:\\`,
		"=x\n:y\n \\\n",
		"messageDelayLevel=1ms 2s 3m 4h 5d\ndeleteWhen=0;23",
		"mapedFileSizeCommitLog=1024\nmappedFileSizeConsumeQueue=40\nmaxMessageSize=1",
		"brokerRole=SLAVE\nbrokerId=1\nflushDiskType=sync_flush",
		"\uFEFF# bom\n!c\nfoo bar\nfoo",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, warnings, err := Load(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrInvalidValue) && !errors.Is(err, ErrSyntax) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			if b != (Broker{}) {
				t.Fatalf("error with non-zero Broker %+v", b)
			}
			return
		}
		for _, w := range warnings {
			if !strings.HasPrefix(w, "broker.conf:") {
				t.Fatalf("warning without location: %q", w)
			}
		}
		// Every value Set accepted passes its own check, so only the
		// cross-field rules may fail here.
		if err := b.Validate(); err != nil && !errors.Is(err, ErrInvalidValue) {
			t.Fatalf("Validate error wraps no sentinel: %v", err)
		}
		if _, err := b.DelayLevels(); err != nil {
			t.Fatalf("loaded delay table does not parse: %v", err)
		}
		if _, err := b.DeleteHours(); err != nil {
			t.Fatalf("loaded deleteWhen does not parse: %v", err)
		}
		_ = b.NamesrvAddrs()
	})
}
