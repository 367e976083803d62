package broker

import (
	"testing"

	"github.com/sagashop/sagashop/mq/remoting"
)

func TestParseSendHeader(t *testing.T) {
	long := map[string]string{"producerGroup": "pg", "topic": "T", "defaultTopic": "TBW102", "defaultTopicQueueNums": "4",
		"queueId": "2", "sysFlag": "0", "bornTimestamp": "1700000000000", "flag": "0", "properties": "TAGS\x01a",
		"reconsumeTimes": "0", "unitMode": "false", "maxReconsumeTimes": "0", "batch": "false"}
	short := map[string]string{"a": "pg", "b": "T", "c": "TBW102", "d": "4", "e": "2", "f": "0", "g": "1700000000000",
		"h": "0", "i": "", "j": "0", "k": "false", "l": "0", "m": "true"}
	tests := []struct {
		name    string
		code    remoting.RequestCode
		ext     map[string]string
		wantErr bool
		batch   bool
	}{
		{"long keys", remoting.SendMessage, long, false, false},
		{"short keys", remoting.SendBatchMessage, short, false, true},
		{"missing topic", remoting.SendMessage, map[string]string{"queueId": "1"}, true, false},
		{"bad number", remoting.SendMessage, map[string]string{"topic": "T", "queueId": "x"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := parseSendHeader(remoting.NewRequest(tt.code, tt.ext, nil))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				return
			}
			if h.topic != "T" || h.queueID != 2 || h.bornTimestamp != 1700000000000 || h.producerGroup != "pg" || h.batch != tt.batch {
				t.Fatalf("header = %+v", h)
			}
		})
	}
}
