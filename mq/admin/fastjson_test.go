package admin

import (
	"encoding/json"
	"testing"

	"github.com/sagashop/sagashop/mq/route"
)

func TestQuoteIntKeys(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"standard", `{"brokerAddrs":{"0":"a:1"}}`, `{"brokerAddrs":{"0":"a:1"}}`},
		{"fastjson", `{"brokerAddrs":{0:"a:1",1:"b:2"}}`, `{"brokerAddrs":{"0":"a:1","1":"b:2"}}`},
		{"spaces", "{ 0 : \"a\",\n -1:\"b\"}", "{ \"0\" : \"a\",\n \"-1\":\"b\"}"},
		{"numbers in values and arrays", `{"a":1,"b":[1,2,{3:4}],"c":"{5:6}"}`, `{"a":1,"b":[1,2,{"3":4}],"c":"{5:6}"}`},
		{"escaped quote", `{"a":"x\",{7:\"","b":{8:"y"}}`, `{"a":"x\",{7:\"","b":{"8":"y"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(quoteIntKeys([]byte(tt.in))); got != tt.want {
				t.Errorf("quoteIntKeys(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

// TestDecodeJavaClusterInfo decodes cluster info as a Java NameServer
// writes it (apache/rocketmq issue 3369).
func TestDecodeJavaClusterInfo(t *testing.T) {
	body := `{"brokerAddrTable":{"broker_37_master":{"brokerAddrs":{0:"172.16.16.37:10911"},"brokerName":"broker_37_master","cluster":"37_cluster"}},"clusterAddrTable":{"37_cluster":["broker_37_master"]}}`
	var ci route.ClusterInfo
	if err := json.Unmarshal(quoteIntKeys([]byte(body)), &ci); err != nil {
		t.Fatal(err)
	}
	if got := allMasters(ci); len(got) != 1 || got[0] != "172.16.16.37:10911" {
		t.Errorf("masters %q", got)
	}
}
