package conf

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLoadFileTypical(t *testing.T) {
	path := filepath.Join("testdata", "broker.conf")
	got, warnings, err := LoadFile(path)
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	want := Default()
	want.BrokerClusterName = "DefaultCluster"
	want.BrokerName = "broker-a"
	want.BrokerID = 0
	want.DeleteWhen = "04"
	want.FileReservedTime = 48
	want.BrokerRole = AsyncMaster
	want.FlushDiskType = AsyncFlush
	want.NamesrvAddr = "127.0.0.1:9876"
	want.ListenPort = 10911
	if got != want {
		t.Errorf("LoadFile:\n got %+v\nwant %+v", got, want)
	}
	wantWarnings := []string{
		path + `:20: unknown key "sendMessageThreadPoolNums" ignored`,
		path + `:21: unknown key "useReentrantLockWhenPutMessage" ignored`,
	}
	if !slices.Equal(warnings, wantWarnings) {
		t.Errorf("warnings:\n got %q\nwant %q", warnings, wantWarnings)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, _, err := LoadFile(filepath.Join(t.TempDir(), "broker.conf"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want fs.ErrNotExist", err)
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		edit     func(b *Broker) // turns Default into the expected result
		warnings []string
	}{
		{name: "empty", in: "", edit: func(*Broker) {}},
		{name: "only comments and blanks", in: "# a\n! b\n   # indented\n\n \t \n", edit: func(*Broker) {}},
		{name: "equals", in: "brokerName=b1", edit: func(b *Broker) { b.BrokerName = "b1" }},
		{name: "spaced equals", in: "brokerName = b1  ", edit: func(b *Broker) { b.BrokerName = "b1" }},
		{name: "colon", in: "brokerName:b1", edit: func(b *Broker) { b.BrokerName = "b1" }},
		{name: "spaced colon", in: "brokerName : b1", edit: func(b *Broker) { b.BrokerName = "b1" }},
		{name: "blank separator", in: "brokerName\tb1", edit: func(b *Broker) { b.BrokerName = "b1" }},
		{name: "indented key", in: "   brokerName=b1", edit: func(b *Broker) { b.BrokerName = "b1" }},
		{name: "second separator is value", in: "brokerName==b1", edit: func(b *Broker) { b.BrokerName = "=b1" }},
		{name: "CRLF", in: "brokerName=b1\r\nbrokerId=0\r\n", edit: func(b *Broker) { b.BrokerName = "b1" }},
		{name: "BOM", in: "\uFEFFbrokerName=b1", edit: func(b *Broker) { b.BrokerName = "b1" }},
		{name: "last wins", in: "brokerName=b1\nbrokerName=b2", edit: func(b *Broker) { b.BrokerName = "b2" }},
		{name: "continuation", in: "namesrvAddr=10.0.0.1:9876;\\\n    10.0.0.2:9876", edit: func(b *Broker) {
			b.NamesrvAddr = "10.0.0.1:9876;10.0.0.2:9876"
		}},
		{name: "continuation at end of input", in: "brokerName=b1\\", edit: func(b *Broker) { b.BrokerName = "b1" }},
		{name: "escaped backslash does not continue", in: "storePathRootDir=C:\\\\store\\\\\nbrokerName=b1", edit: func(b *Broker) {
			b.StorePathRootDir = `C:\store\`
			b.BrokerName = "b1"
		}},
		{name: "escapes", in: `brokerName=b\u0031\=x\:y`, edit: func(b *Broker) { b.BrokerName = "b1=x:y" }},
		{name: "comment char inside value", in: "brokerName=a#b", edit: func(b *Broker) { b.BrokerName = "a#b" }},
		{name: "mapedFile spelling", in: "mapedFileSizeCommitLog=10485760\nmapedFileSizeConsumeQueue=6000", edit: func(b *Broker) {
			b.MappedFileSizeCommitLog = 10485760
			b.MappedFileSizeConsumeQueue = 6000
		}},
		{name: "mappedFile spelling", in: "mappedFileSizeCommitLog=10485760\nmappedFileSizeConsumeQueue=6000", edit: func(b *Broker) {
			b.MappedFileSizeCommitLog = 10485760
			b.MappedFileSizeConsumeQueue = 6000
		}},
		{name: "both spellings, last wins", in: "mappedFileSizeCommitLog=10485760\nmapedFileSizeCommitLog=20971520", edit: func(b *Broker) {
			b.MappedFileSizeCommitLog = 20971520
		}},
		{name: "typed values", in: strings.Join([]string{
			"brokerId=2", "brokerRole=slave", "flushDiskType=SYNC_FLUSH", "autoCreateTopicEnable=FALSE",
			"autoCreateSubscriptionGroup=False", "aclEnable=true", "traceTopicEnable=TRUE",
			"diskMaxUsedSpaceRatio=90", "maxMessageSize=1024", "transactionTimeOut=100",
			"transactionCheckInterval=200", "transactionCheckMax=3", "defaultTopicQueueNums=4",
			"messageDelayLevel=100ms 1s", "deleteWhen=01;04", "brokerIP1=10.0.0.5",
			"storePathRootDir=/var/lib/mq",
		}, "\n"), edit: func(b *Broker) {
			b.BrokerID = 2
			b.BrokerRole = Slave
			b.FlushDiskType = SyncFlush
			b.AutoCreateTopicEnable = false
			b.AutoCreateSubscriptionGroup = false
			b.AclEnable = true
			b.TraceTopicEnable = true
			b.DiskMaxUsedSpaceRatio = 90
			b.MaxMessageSize = 1024
			b.TransactionTimeOut = 100
			b.TransactionCheckInterval = 200
			b.TransactionCheckMax = 3
			b.DefaultTopicQueueNums = 4
			b.MessageDelayLevel = "100ms 1s"
			b.DeleteWhen = "01;04"
			b.BrokerIP1 = "10.0.0.5"
			b.StorePathRootDir = "/var/lib/mq"
		}},
		{name: "unknown keys warn once each", in: "a=1\nbrokerName=b1\nb=2\na=3\nBrokerName=x", edit: func(b *Broker) { b.BrokerName = "b1" },
			warnings: []string{
				`broker.conf:1: unknown key "a" ignored`,
				`broker.conf:3: unknown key "b" ignored`,
				`broker.conf:5: unknown key "BrokerName" ignored`,
			}},
		{name: "unknown key with continuation keeps first line", in: "# c\nfoo=1\\\n2\nbrokerName=b1", edit: func(b *Broker) { b.BrokerName = "b1" },
			warnings: []string{`broker.conf:2: unknown key "foo" ignored`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warnings, err := Load(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			want := Default()
			tt.edit(&want)
			if got != want {
				t.Errorf("Load:\n got %+v\nwant %+v", got, want)
			}
			if !slices.Equal(warnings, tt.warnings) {
				t.Errorf("warnings:\n got %q\nwant %q", warnings, tt.warnings)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		is    error
		parts []string // substrings the message must contain
	}{
		{name: "bad int", in: "# c\n\nbrokerId=abc", is: ErrInvalidValue,
			parts: []string{"broker.conf:3:", "brokerId", `"abc"`, "not a 64-bit integer"}},
		{name: "int overflow", in: "listenPort=99999999999", is: ErrInvalidValue,
			parts: []string{"broker.conf:1:", "listenPort", "out of range"}},
		{name: "port range", in: "listenPort=0", is: ErrInvalidValue,
			parts: []string{"broker.conf:1:", "listenPort=0", "between 1 and 65535"}},
		{name: "bad bool", in: "brokerName=x\naclEnable=yes", is: ErrInvalidValue,
			parts: []string{"broker.conf:2:", "aclEnable", `"yes"`, "true or false"}},
		{name: "bad enum", in: "flushDiskType=SOMETIMES", is: ErrInvalidValue,
			parts: []string{"broker.conf:1:", "flushDiskType", `"SOMETIMES"`, "ASYNC_FLUSH"}},
		{name: "bad role", in: "brokerRole=leader", is: ErrInvalidValue,
			parts: []string{"broker.conf:1:", "brokerRole", `"leader"`}},
		{name: "ratio", in: "diskMaxUsedSpaceRatio=99", is: ErrInvalidValue,
			parts: []string{"broker.conf:1:", "diskMaxUsedSpaceRatio=99", "between 10 and 95"}},
		{name: "trailing comment", in: "brokerId=0 # master", is: ErrInvalidValue,
			parts: []string{"broker.conf:1:", `"0 # master"`}},
		{name: "delay table", in: "messageDelayLevel=1s 5x", is: ErrInvalidValue,
			parts: []string{"broker.conf:1:", "messageDelayLevel", `"5x"`, "unknown unit"}},
		{name: "delete hours", in: "deleteWhen=25", is: ErrInvalidValue,
			parts: []string{"broker.conf:1:", "deleteWhen", `"25"`}},
		{name: "namesrv address", in: "namesrvAddr=127.0.0.1", is: ErrInvalidValue,
			parts: []string{"broker.conf:1:", "namesrvAddr", "127.0.0.1"}},
		{name: "consume queue size", in: "mapedFileSizeConsumeQueue=1001", is: ErrInvalidValue,
			parts: []string{"broker.conf:1:", "1001", "multiple of 20"}},
		{name: "missing key", in: "=value", is: ErrSyntax, parts: []string{"broker.conf:1:", "missing key"}},
		{name: "bad unicode escape", in: `brokerName=\u12`, is: ErrSyntax, parts: []string{"broker.conf:1:", `\uXXXX`}},
		{name: "every bad line reported", in: "brokerId=x\nbrokerName=ok\nlistenPort=y", is: ErrInvalidValue,
			parts: []string{"broker.conf:1:", "brokerId", "broker.conf:3:", "listenPort"}},
		{name: "line too long", in: "brokerName=" + strings.Repeat("x", maxLine), is: ErrSyntax,
			parts: []string{"broker.conf:1:", "line longer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := Load(strings.NewReader(tt.in))
			if !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			for _, p := range tt.parts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q does not contain %q", err, p)
				}
			}
			if got != (Broker{}) {
				t.Errorf("Broker = %+v, want zero value on error", got)
			}
		})
	}
}

func TestLoadKeepsWarningsOnError(t *testing.T) {
	_, warnings, err := Load(strings.NewReader("foo=1\nbrokerId=x"))
	if !errors.Is(err, ErrInvalidValue) {
		t.Fatalf("err = %v, want ErrInvalidValue", err)
	}
	if want := []string{`broker.conf:1: unknown key "foo" ignored`}; !slices.Equal(warnings, want) {
		t.Errorf("warnings = %q, want %q", warnings, want)
	}
}
