package route

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateTopic(t *testing.T) {
	tests := []struct {
		name, topic, wantIn string
		ok                  bool
	}{
		{"plain", "orders", "", true},
		{"namespace and retry", "%RETRY%ns%group_1|x-y", "", true},
		{"empty", "", "empty", false},
		{"space", "a b", "' '", false},
		{"non-ascii rune quoted whole", "tópico", "'ó'", false},
		{"too long", strings.Repeat("a", 128), "128 characters", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateTopic(tt.topic)
			if tt.ok != (err == nil) {
				t.Fatalf("ValidateTopic(%q) = %v", tt.topic, err)
			}
			if err != nil && (!errors.Is(err, ErrBadName) || !strings.Contains(err.Error(), tt.wantIn)) {
				t.Fatalf("error %q does not wrap ErrBadName or lacks %q", err, tt.wantIn)
			}
		})
	}
}

func TestRouteMarshalShape(t *testing.T) {
	b, err := TopicRouteData{BrokerDatas: []BrokerData{{Cluster: "c", BrokerName: "b"}}}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"orderTopicConf":null,"queueDatas":[],"brokerDatas":[{"cluster":"c","brokerName":"b","brokerAddrs":{}}],"filterServerTable":{}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	b, _ = TopicRouteData{BrokerDatas: []BrokerData{{BrokerName: "b", BrokerAddrs: map[int64]string{0: "127.0.0.1:10911", 1: "127.0.0.1:10921"}}}}.Marshal()
	if !strings.Contains(string(b), `"brokerAddrs":{"0":"127.0.0.1:10911","1":"127.0.0.1:10921"}`) {
		t.Fatalf("brokerAddrs not compact: %s", b)
	}
}
