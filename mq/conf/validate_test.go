package conf

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(b *Broker)
		parts []string // substrings of the error; none means valid
	}{
		{name: "default", edit: func(*Broker) {}},
		{name: "slave", edit: func(b *Broker) { b.BrokerRole, b.BrokerID = Slave, 1 }},
		{name: "slave with id 0", edit: func(b *Broker) { b.BrokerRole = Slave }, parts: []string{"brokerId=0", "SLAVE"}},
		{name: "master with id 1", edit: func(b *Broker) { b.BrokerID = 1 }, parts: []string{"brokerId=1", "ASYNC_MASTER"}},
		{name: "bad flush type", edit: func(b *Broker) { b.FlushDiskType = "async_flush" }, parts: []string{"flushDiskType"}},
		{name: "bad role", edit: func(b *Broker) { b.BrokerRole = "" }, parts: []string{"brokerRole"}},
		{name: "empty names", edit: func(b *Broker) { b.BrokerName, b.BrokerClusterName = "", "" },
			parts: []string{"brokerName", "brokerClusterName"}},
		{name: "ratio low", edit: func(b *Broker) { b.DiskMaxUsedSpaceRatio = 5 }, parts: []string{"diskMaxUsedSpaceRatio=5"}},
		{name: "sizes", edit: func(b *Broker) { b.MappedFileSizeCommitLog, b.MaxMessageSize = 0, 0 },
			parts: []string{"mappedFileSizeCommitLog=0", "maxMessageSize=0"}},
		{name: "message larger than segment", edit: func(b *Broker) { b.MappedFileSizeCommitLog = 1 << 20 },
			parts: []string{"maxMessageSize=4194304", "mappedFileSizeCommitLog=1048576"}},
		{name: "delay table", edit: func(b *Broker) { b.MessageDelayLevel = "1s 0s" }, parts: []string{"messageDelayLevel", "level 2"}},
		{name: "delete hours", edit: func(b *Broker) { b.DeleteWhen = "4;x" }, parts: []string{"deleteWhen"}},
		{name: "transactions", edit: func(b *Broker) { b.TransactionTimeOut, b.TransactionCheckInterval, b.TransactionCheckMax = 0, -1, 0 },
			parts: []string{"transactionTimeOut", "transactionCheckInterval", "transactionCheckMax"}},
		{name: "queue nums and port", edit: func(b *Broker) { b.DefaultTopicQueueNums, b.ListenPort = 0, 70000 },
			parts: []string{"defaultTopicQueueNums", "listenPort=70000"}},
		{name: "store dir", edit: func(b *Broker) { b.StorePathRootDir = "" }, parts: []string{"storePathRootDir"}},
		{name: "namesrv", edit: func(b *Broker) { b.NamesrvAddr = "localhost" }, parts: []string{"namesrvAddr"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Default()
			tt.edit(&b)
			err := b.Validate()
			if len(tt.parts) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidValue) {
				t.Fatalf("Validate = %v, want ErrInvalidValue", err)
			}
			for _, p := range tt.parts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q does not contain %q", err, p)
				}
			}
		})
	}
}

func TestDeleteHours(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		ok   bool
	}{
		{"04", []int{4}, true},
		{"01;04", []int{1, 4}, true},
		{"23; 0 ;4;4", []int{0, 4, 23}, true},
		{"", nil, false},
		{"24", nil, false},
		{"-1", nil, false},
		{"4;", nil, false},
		{"4,5", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Broker{DeleteWhen: tt.in}.DeleteHours()
			if tt.ok != (err == nil) {
				t.Fatalf("DeleteHours(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if !tt.ok && !errors.Is(err, ErrInvalidValue) {
				t.Errorf("err = %v, want ErrInvalidValue", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("DeleteHours(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
