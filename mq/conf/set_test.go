package conf

import (
	"errors"
	"testing"
)

func TestSet(t *testing.T) {
	tests := []struct {
		key, value string
		is         error // nil for success
		check      func(b Broker) bool
	}{
		{"brokerName", " b1 ", nil, func(b Broker) bool { return b.BrokerName == "b1" }},
		{"brokerId", "3", nil, func(b Broker) bool { return b.BrokerID == 3 }},
		{"brokerId", "-1", ErrInvalidValue, nil},
		{"brokerId", "1.5", ErrInvalidValue, nil},
		{"listenPort", "65535", nil, func(b Broker) bool { return b.ListenPort == 65535 }},
		{"listenPort", "65536", ErrInvalidValue, nil},
		{"listenPort", "", ErrInvalidValue, nil},
		{"flushDiskType", "sync_flush", nil, func(b Broker) bool { return b.FlushDiskType == SyncFlush }},
		{"brokerRole", "SYNC_MASTER", nil, func(b Broker) bool { return b.BrokerRole == SyncMaster }},
		{"aclEnable", "True", nil, func(b Broker) bool { return b.AclEnable }},
		{"aclEnable", "1", ErrInvalidValue, nil},
		{"diskMaxUsedSpaceRatio", "10", nil, func(b Broker) bool { return b.DiskMaxUsedSpaceRatio == 10 }},
		{"diskMaxUsedSpaceRatio", "9", ErrInvalidValue, nil},
		{"diskMaxUsedSpaceRatio", "96", ErrInvalidValue, nil},
		{"maxMessageSize", "0", ErrInvalidValue, nil},
		{"mapedFileSizeCommitLog", "4096", nil, func(b Broker) bool { return b.MappedFileSizeCommitLog == 4096 }},
		{"mappedFileSizeConsumeQueue", "20", nil, func(b Broker) bool { return b.MappedFileSizeConsumeQueue == 20 }},
		{"mappedFileSizeConsumeQueue", "0", ErrInvalidValue, nil},
		{"mapedFileSizeConsumeQueue", "30", ErrInvalidValue, nil},
		{"transactionCheckInterval", "9223372036854775807", nil, func(b Broker) bool { return b.TransactionCheckInterval == 1<<63-1 }},
		{"transactionCheckMax", "0", ErrInvalidValue, nil},
		{"storePathRootDir", " ", ErrInvalidValue, nil},
		{"namesrvAddr", "", nil, func(b Broker) bool { return b.NamesrvAddr == "" }},
		{"namesrvAddr", "a:1;b:2", nil, func(b Broker) bool { return b.NamesrvAddr == "a:1;b:2" }},
		{"namesrvAddr", "a:1;b", ErrInvalidValue, nil},
		{"namesrvAddr", ":9876", ErrInvalidValue, nil},
		{"namesrvAddr", "a:0", ErrInvalidValue, nil},
		{"deleteWhen", "01;04;04", nil, func(b Broker) bool { return b.DeleteWhen == "01;04;04" }},
		{"deleteWhen", "", ErrInvalidValue, nil},
		{"messageDelayLevel", "", ErrInvalidValue, nil},
		{"sendMessageThreadPoolNums", "128", ErrUnknownKey, nil},
		{"BrokerName", "x", ErrUnknownKey, nil},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			b := Default()
			err := b.Set(tt.key, tt.value)
			if tt.is == nil {
				if err != nil {
					t.Fatalf("Set: %v", err)
				}
				if !tt.check(b) {
					t.Errorf("Set(%q, %q) left %+v", tt.key, tt.value, b)
				}
				return
			}
			if !errors.Is(err, tt.is) {
				t.Fatalf("Set err = %v, want %v", err, tt.is)
			}
			if b != Default() {
				t.Errorf("failed Set changed the config: %+v", b)
			}
		})
	}
}
