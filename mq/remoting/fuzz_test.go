package remoting

import (
	"bufio"
	"bytes"
	"errors"
	"runtime"
	"testing"
)

// jsonHeaderSeeds are headers from the Go and Java clients and inputs on
// the edges of encoding/json's rules.
var jsonHeaderSeeds = []string{
	sendMessageHeader,
	`{"code":0,"extFields":{"msgId":"0A","queueId":"1","queueOffset":"7","MSG_REGION":"DefaultRegion","TRACE_ON":"true"},"flag":1,"language":"JAVA","opaque":5,"remark":null,"serializeTypeCurrentRPC":"JSON","version":407}`,
	`{"code":34,"language":"GO","version":317,"opaque":3,"flag":0,"remark":"","extFields":{}}`,
	`null`,
	` {} `,
	`{"CODE":1,"Language":9,"VERSİON":2,"opaqUe":3,"ﬂag":4,"remarK":"k","extſields":{"a":"b"}}`,
	`{"language":-0}`, `{"language":1e2}`, `{"language":256}`, `{"language":[1,{"a":[]}]}`, `{"language":null}`,
	`{"extFields":{"a":"1"},"extFields":{"b":"2"}}`, `{"extFields":{"a":"1"},"extFields":null,"extFields":{"b":null}}`,
	`{"remark":"a","remark":null}`, `{"code":5,"code":null}`, `{"code":32767,"version":-32768,"opaque":2147483647,"flag":-2147483648}`,
	`{"code":32768}`, `{"code":1.0}`, `{"code":01}`, `{"code":"1"}`, `{"code":-}`,
	`{"remark":"\ud83d\ude00 \ud83d \ude00 \ud83d\u0041 \u00e9 \u0000 \/\b\f\n\r\t\"\\"}`,
	"{\"remark\":\"\xff\xfe\xed\xa0\x80 ok \u2028\"}", "{\"remark\":\"\x01\"}",
	`{"x":{"y":[true,false,null,-1.5e+3,"s"]},"code":7}`, `{"x":[}`, `{"a":1,}`, `[]`, `{"code":1} x`,
}

func FuzzJSONHeader(f *testing.F) {
	for _, s := range jsonHeaderSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want, wantErr := decodeJSONHeaderStd(b)
		got, err := decodeJSONHeader(b)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("decodeJSONHeader(%q): err %v, encoding/json err %v", b, err, wantErr)
		}
		if err != nil {
			if !errors.Is(err, ErrBadHeader) {
				t.Fatalf("decodeJSONHeader(%q): %v does not wrap ErrBadHeader", b, err)
			}
			return
		}
		if d := diffCommand(got, want); d != "" {
			t.Fatalf("decodeJSONHeader(%q): %s", b, d)
		}
	})
}

// frameSeeds returns valid frames of both serializations for the corpus.
func frameSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, c := range []*Command{
		sendMessageCommand(),
		{Code: 0, Language: "JAVA", Version: 407, Opaque: 9, Flag: 1, Remark: "r\x01", ExtFields: map[string]string{"k": "v"}, Body: []byte("body"), Serialize: RocketMQ},
		{Code: 11, Serialize: RocketMQ},
	} {
		frame, err := AppendFrame(nil, c)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, frame)
	}
	return out
}

func FuzzDecodeFrame(f *testing.F) {
	for _, frame := range frameSeeds(f) {
		f.Add(frame[4:])
	}
	f.Add([]byte{0, 0, 0, 2, '{', '}'})
	f.Add([]byte{1, 0, 0, 0})
	f.Add([]byte{7, 0, 0, 0})
	f.Fuzz(func(t *testing.T, frame []byte) {
		c, err := DecodeFrame(frame)
		if err != nil {
			if !errors.Is(err, ErrBadFrame) && !errors.Is(err, ErrBadHeader) {
				t.Fatalf("DecodeFrame: unexpected error %v", err)
			}
			return
		}
		again, err := AppendFrame(nil, c)
		if err != nil {
			t.Fatalf("AppendFrame(%+v): %v", c, err)
		}
		c2, err := DecodeFrame(again[4:])
		if err != nil {
			t.Fatalf("decoding the re-encoded %q: %v", again, err)
		}
		want := *c
		if want.Language == "" {
			want.Language = "GO" // AppendFrame's default
		}
		if d := diffCommand(c2, &want); d != "" {
			t.Fatalf("round trip of %q: %s", frame, d)
		}
	})
}

// fuzzMaxFrame is the frame limit FuzzReadFrame reads with.
const fuzzMaxFrame = 4096

func FuzzReadFrame(f *testing.F) {
	var stream []byte
	for _, frame := range frameSeeds(f) {
		f.Add(frame)
		stream = append(stream, frame...)
	}
	f.Add(stream)
	f.Add([]byte{0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 2, '{', '}'})     // oversized, header fits
	f.Add([]byte{0x00, 0xff, 0xff, 0xff, 0, 0x0f, 0xff, 0xff, '{'}) // oversized, header past the limit
	f.Add([]byte{0x80, 0, 0, 0})                                    // negative
	f.Add([]byte{0, 0, 0, 100, 0, 0, 0, 2, '{', '}'})               // truncated
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReaderSize(bytes.NewReader(data), 64)
		var before, after runtime.MemStats
		for range 64 {
			runtime.ReadMemStats(&before)
			c, err := ReadFrame(r, fuzzMaxFrame)
			runtime.ReadMemStats(&after)
			// The frame, its decoded header (invalid UTF-8 triples in
			// size as U+FFFD) and some fixed overhead; never the size the
			// frame announced.
			if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(4*fuzzMaxFrame+8192); got > limit {
				t.Fatalf("ReadFrame allocated %d bytes, limit %d (err %v)", got, limit, err)
			}
			if err != nil {
				var fe *FrameError
				if errors.As(err, &fe) && errors.Is(err, ErrFrameTooLarge) && fe.Size <= fuzzMaxFrame {
					t.Fatalf("ErrFrameTooLarge for a frame of %d bytes", fe.Size)
				}
				return
			}
			if c == nil {
				t.Fatal("ReadFrame returned neither a command nor an error")
			}
		}
	})
}
