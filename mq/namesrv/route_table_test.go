package namesrv

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/route"
)

var t0 = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

const (
	addrA  = "127.0.0.1:10911"
	addrA1 = "127.0.0.1:10921"
	addrB  = "127.0.0.1:10912"
	addrC  = "127.0.0.1:10913"
)

// topics builds a topic table of n-queue topics with perm 6.
func topics(n int, names ...string) map[string]route.TopicConfig {
	m := map[string]route.TopicConfig{}
	for _, name := range names {
		m[name] = route.NewTopicConfig(name, n, route.PermRead|route.PermWrite)
	}
	return m
}

func reg(cluster, name string, id int64, addr string, table map[string]route.TopicConfig) Registration {
	return Registration{Broker: Broker{Cluster: cluster, Name: name, ID: id, Addr: addr}, Topics: table}
}

// routeJSON is the route body of topic, or "" when it has none.
func routeJSON(t *testing.T, rt *RouteTable, topic string) string {
	t.Helper()
	rd, ok := rt.Route(topic)
	if !ok {
		return ""
	}
	b, err := rd.Marshal()
	if err != nil {
		t.Fatalf("Marshal route of %s: %v", topic, err)
	}
	return string(b)
}

// anyRoute in wantRoutes only asks for the topic to be routable.
const anyRoute = "*"

const (
	routeTa = `{"orderTopicConf":null,"queueDatas":[{"brokerName":"broker-a","readQueueNums":4,"writeQueueNums":4,"perm":6,"topicSysFlag":0}],` +
		`"brokerDatas":[{"cluster":"DefaultCluster","brokerName":"broker-a","brokerAddrs":{"0":"127.0.0.1:10911"}}],"filterServerTable":{}}`
	routeTb = `{"orderTopicConf":null,"queueDatas":[{"brokerName":"broker-b","readQueueNums":4,"writeQueueNums":4,"perm":6,"topicSysFlag":0}],` +
		`"brokerDatas":[{"cluster":"DefaultCluster","brokerName":"broker-b","brokerAddrs":{"0":"127.0.0.1:10912"}}],"filterServerTable":{}}`
	routeTab = `{"orderTopicConf":null,"queueDatas":[` +
		`{"brokerName":"broker-a","readQueueNums":4,"writeQueueNums":4,"perm":6,"topicSysFlag":0},` +
		`{"brokerName":"broker-b","readQueueNums":8,"writeQueueNums":8,"perm":6,"topicSysFlag":0}],` +
		`"brokerDatas":[{"cluster":"DefaultCluster","brokerName":"broker-a","brokerAddrs":{"0":"127.0.0.1:10911"}},` +
		`{"cluster":"DefaultCluster","brokerName":"broker-b","brokerAddrs":{"0":"127.0.0.1:10912"}}],"filterServerTable":{}}`
	routeTaSlave = `{"orderTopicConf":null,"queueDatas":[{"brokerName":"broker-a","readQueueNums":4,"writeQueueNums":4,"perm":6,"topicSysFlag":0}],` +
		`"brokerDatas":[{"cluster":"DefaultCluster","brokerName":"broker-a","brokerAddrs":{"0":"127.0.0.1:10911","1":"127.0.0.1:10921"}}],"filterServerTable":{}}`
	routeTaSlaveOnly = `{"orderTopicConf":null,"queueDatas":[{"brokerName":"broker-a","readQueueNums":4,"writeQueueNums":4,"perm":6,"topicSysFlag":0}],` +
		`"brokerDatas":[{"cluster":"DefaultCluster","brokerName":"broker-a","brokerAddrs":{"1":"127.0.0.1:10921"}}],"filterServerTable":{}}`
)

func TestRouteTable(t *testing.T) {
	const dc = route.DefaultClusterName
	brokerA := Broker{Cluster: dc, Name: "broker-a", ID: 0, Addr: addrA}
	brokerA1 := Broker{Cluster: dc, Name: "broker-a", ID: 1, Addr: addrA1}
	brokerB := Broker{Cluster: dc, Name: "broker-b", ID: 0, Addr: addrB}
	tests := []struct {
		name        string
		run         func(t *testing.T, rt *RouteTable)
		wantRoutes  map[string]string // topic → route JSON, "" for none, anyRoute for some
		wantBrokers []Broker
	}{
		{
			name: "register",
			run: func(t *testing.T, rt *RouteTable) {
				res := rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "T")), t0)
				if want := (RegisterResult{New: true, TopicsChanged: 1}); res != want {
					t.Errorf("Register = %+v, want %+v", res, want)
				}
			},
			wantRoutes:  map[string]string{"T": routeTa, "U": ""},
			wantBrokers: []Broker{brokerA},
		},
		{
			name: "refresh without a body keeps the topics",
			run: func(t *testing.T, rt *RouteTable) {
				rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "T")), t0)
				res := rt.Register(reg(dc, "broker-a", 0, addrA, nil), t0.Add(30*time.Second))
				if want := (RegisterResult{}); res != want {
					t.Errorf("heartbeat Register = %+v, want %+v", res, want)
				}
				res = rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "T")), t0.Add(60*time.Second))
				if want := (RegisterResult{}); res != want {
					t.Errorf("unchanged Register = %+v, want %+v", res, want)
				}
			},
			wantRoutes:  map[string]string{"T": routeTa},
			wantBrokers: []Broker{brokerA},
		},
		{
			name: "a new topic table replaces the old one",
			run: func(t *testing.T, rt *RouteTable) {
				rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "T", "U")), t0)
				res := rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "U", "V")), t0)
				if res.TopicsChanged != 2 {
					t.Errorf("TopicsChanged = %d, want 2 (T removed, V added)", res.TopicsChanged)
				}
			},
			wantRoutes:  map[string]string{"T": "", "U": anyRoute, "V": anyRoute},
			wantBrokers: []Broker{brokerA},
		},
		{
			name: "an empty topic table removes every topic of the broker",
			run: func(t *testing.T, rt *RouteTable) {
				rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "T")), t0)
				rt.Register(reg(dc, "broker-b", 0, addrB, topics(4, "T")), t0)
				rt.Register(reg(dc, "broker-a", 0, addrA, topics(4)), t0)
			},
			wantRoutes:  map[string]string{"T": routeTb},
			wantBrokers: []Broker{brokerA, brokerB},
		},
		{
			name: "unregister",
			run: func(t *testing.T, rt *RouteTable) {
				rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "T")), t0)
				rt.Register(reg(dc, "broker-b", 0, addrB, topics(4, "T", "U")), t0)
				if rt.Unregister(Broker{Cluster: dc, Name: "broker-b", ID: 1, Addr: addrB}) {
					t.Error("Unregister with the wrong id succeeded")
				}
				if !rt.Unregister(brokerB) {
					t.Error("Unregister(broker-b) = false")
				}
				if rt.Unregister(brokerB) {
					t.Error("second Unregister(broker-b) = true")
				}
			},
			wantRoutes:  map[string]string{"T": routeTa, "U": ""},
			wantBrokers: []Broker{brokerA},
		},
		{
			name: "expiry",
			run: func(t *testing.T, rt *RouteTable) {
				rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "T")), t0)
				rt.Register(reg(dc, "broker-b", 0, addrB, topics(4, "T")), t0)
				rt.Register(reg(dc, "broker-a", 0, addrA, nil), t0.Add(100*time.Second))
				if gone := rt.Expire(t0); len(gone) != 0 {
					t.Errorf("Expire(t0) removed %v; a broker seen at the deadline stays", gone)
				}
				gone := rt.Expire(t0.Add(time.Second))
				if want := []Broker{brokerB}; !reflect.DeepEqual(gone, want) {
					t.Errorf("Expire = %v, want %v", gone, want)
				}
			},
			wantRoutes:  map[string]string{"T": routeTa},
			wantBrokers: []Broker{brokerA},
		},
		{
			name: "delete topic until the next registration",
			run: func(t *testing.T, rt *RouteTable) {
				rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "T", "U")), t0)
				if !rt.DeleteTopic("T") {
					t.Error("DeleteTopic(T) = false")
				}
				if rt.DeleteTopic("T") {
					t.Error("second DeleteTopic(T) = true")
				}
				if _, ok := rt.Route("T"); ok {
					t.Error("T still routable after DeleteTopic")
				}
				rt.Register(reg(dc, "broker-a", 0, addrA, nil), t0)
				if _, ok := rt.Route("T"); ok {
					t.Error("a heartbeat brought T back")
				}
				rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "T", "U")), t0)
			},
			wantRoutes:  map[string]string{"T": routeTa},
			wantBrokers: []Broker{brokerA},
		},
		{
			name: "two brokers of one cluster, sorted by name",
			run: func(t *testing.T, rt *RouteTable) {
				rt.Register(reg(dc, "broker-b", 0, addrB, topics(8, "T")), t0)
				rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "T")), t0)
			},
			wantRoutes:  map[string]string{"T": routeTab},
			wantBrokers: []Broker{brokerA, brokerB},
		},
		{
			name: "slave joins its master's broker data",
			run: func(t *testing.T, rt *RouteTable) {
				rt.Register(Registration{Broker: brokerA, HAServerAddr: "127.0.0.1:10912", Topics: topics(4, "T")}, t0)
				// A slave's topic table does not change the route.
				res := rt.Register(reg(dc, "broker-a", 1, addrA1, topics(2, "T", "S")), t0)
				want := RegisterResult{New: true, MasterAddr: addrA, MasterHAServerAddr: "127.0.0.1:10912"}
				if res != want {
					t.Errorf("slave Register = %+v, want %+v", res, want)
				}
			},
			wantRoutes:  map[string]string{"T": routeTaSlave, "S": ""},
			wantBrokers: []Broker{brokerA, brokerA1},
		},
		{
			name: "the group keeps its queues while a slave lives",
			run: func(t *testing.T, rt *RouteTable) {
				rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "T")), t0)
				rt.Register(reg(dc, "broker-a", 1, addrA1, nil), t0)
				rt.Unregister(brokerA)
				if got := routeJSON(t, rt, "T"); got != routeTaSlaveOnly {
					t.Errorf("route after the master left:\n got %s\nwant %s", got, routeTaSlaveOnly)
				}
				rt.Unregister(brokerA1)
			},
			wantRoutes:  map[string]string{"T": ""},
			wantBrokers: []Broker{},
		},
		{
			name: "slave promoted to master on the same address",
			run: func(t *testing.T, rt *RouteTable) {
				rt.Register(reg(dc, "broker-a", 1, addrA, topics(4, "T")), t0)
				rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "T")), t0)
			},
			wantRoutes:  map[string]string{"T": routeTa},
			wantBrokers: []Broker{brokerA},
		},
		{
			name: "master restarted on a new address",
			run: func(t *testing.T, rt *RouteTable) {
				rt.Register(reg(dc, "broker-a", 0, addrC, topics(4, "T")), t0)
				rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "T")), t0)
			},
			wantRoutes:  map[string]string{"T": routeTa},
			wantBrokers: []Broker{brokerA},
		},
		{
			name: "address moves to another broker name",
			run: func(t *testing.T, rt *RouteTable) {
				rt.Register(reg(dc, "broker-b", 0, addrA, topics(4, "T")), t0)
				rt.Register(reg(dc, "broker-a", 0, addrA, topics(4, "T")), t0)
			},
			wantRoutes:  map[string]string{"T": routeTa},
			wantBrokers: []Broker{brokerA},
		},
		{
			name: "closing a connection removes what registered over it",
			run: func(t *testing.T, rt *RouteTable) {
				a := reg(dc, "broker-a", 0, addrA, topics(4, "T"))
				a.ConnID = 7
				b := reg(dc, "broker-b", 0, addrB, topics(4, "T"))
				b.ConnID = 8
				rt.Register(a, t0)
				rt.Register(b, t0)
				// broker-b reconnected and registered over connection 9
				// before connection 8's close was noticed.
				b.ConnID = 9
				rt.Register(b, t0)
				if gone := rt.RemoveConn(8); len(gone) != 0 {
					t.Errorf("RemoveConn(8) = %v, want none", gone)
				}
				if gone := rt.RemoveConn(0); len(gone) != 0 {
					t.Errorf("RemoveConn(0) = %v, want none", gone)
				}
				if gone := rt.RemoveConn(7); !reflect.DeepEqual(gone, []Broker{brokerA}) {
					t.Errorf("RemoveConn(7) = %v, want [broker-a]", gone)
				}
			},
			wantRoutes:  map[string]string{"T": routeTb},
			wantBrokers: []Broker{brokerB},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := NewRouteTable()
			tt.run(t, rt)
			for topic, want := range tt.wantRoutes {
				got := routeJSON(t, rt, topic)
				if want == anyRoute {
					if got == "" {
						t.Errorf("route of %s missing", topic)
					}
					continue
				}
				if got != want {
					t.Errorf("route of %s:\n got %s\nwant %s", topic, got, want)
				}
			}
			if got := rt.Brokers(); !reflect.DeepEqual(got, tt.wantBrokers) {
				t.Errorf("Brokers = %v, want %v", got, tt.wantBrokers)
			}
		})
	}
}

func TestRouteTableClusterInfo(t *testing.T) {
	rt := NewRouteTable()
	rt.Register(reg("c1", "broker-b", 0, addrB, topics(4, "T")), t0)
	rt.Register(reg("c1", "broker-a", 0, addrA, topics(4, "T", "A")), t0)
	rt.Register(reg("c1", "broker-a", 1, addrA1, nil), t0)
	rt.Register(reg("c2", "broker-c", 0, addrC, topics(4, "T", "C")), t0)

	ci := rt.ClusterInfo()
	got, err := json.Marshal(ci)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"brokerAddrTable":{` +
		`"broker-a":{"cluster":"c1","brokerName":"broker-a","brokerAddrs":{"0":"127.0.0.1:10911","1":"127.0.0.1:10921"}},` +
		`"broker-b":{"cluster":"c1","brokerName":"broker-b","brokerAddrs":{"0":"127.0.0.1:10912"}},` +
		`"broker-c":{"cluster":"c2","brokerName":"broker-c","brokerAddrs":{"0":"127.0.0.1:10913"}}},` +
		`"clusterAddrTable":{"c1":["broker-a","broker-b"],"c2":["broker-c"]}}`
	if string(got) != want {
		t.Errorf("ClusterInfo:\n got %s\nwant %s", got, want)
	}
	// The result is a copy.
	ci.BrokerAddrTable["broker-a"].BrokerAddrs[5] = "x:1"
	if _, ok := rt.ClusterInfo().BrokerAddrTable["broker-a"].BrokerAddrs[5]; ok {
		t.Error("ClusterInfo shares its maps with the table")
	}

	lists := []struct {
		name string
		got  []string
		want []string
	}{
		{"Topics", rt.Topics(), []string{"A", "C", "T"}},
		{"TopicsByCluster c1", rt.TopicsByCluster("c1"), []string{"A", "T"}},
		{"TopicsByCluster c2", rt.TopicsByCluster("c2"), []string{"C", "T"}},
		{"TopicsByCluster unknown", rt.TopicsByCluster("nope"), []string{}},
		{"SystemTopics", rt.SystemTopics().TopicList, []string{"broker-a", "broker-b", "broker-c", "c1", "c2"}},
	}
	for _, l := range lists {
		t.Run(l.name, func(t *testing.T) {
			if !reflect.DeepEqual(l.got, l.want) {
				t.Errorf("got %q, want %q", l.got, l.want)
			}
		})
	}
	if ba := rt.SystemTopics().BrokerAddr; ba == nil || *ba != addrA {
		t.Errorf("SystemTopics().BrokerAddr = %v, want %s", ba, addrA)
	}

	// The cluster leaves with its last group.
	rt.Unregister(Broker{Cluster: "c2", Name: "broker-c", ID: 0, Addr: addrC})
	if _, ok := rt.ClusterInfo().ClusterAddrTable["c2"]; ok {
		t.Error("cluster c2 still listed after its only broker left")
	}
	if got, want := rt.Topics(), []string{"A", "T"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Topics after broker-c left = %q, want %q", got, want)
	}
}

func TestRouteTableEmpty(t *testing.T) {
	rt := NewRouteTable()
	if _, ok := rt.Route(route.DefaultTopic); ok {
		t.Error("TBW102 routable before any broker registered it")
	}
	if got := rt.Topics(); len(got) != 0 {
		t.Errorf("Topics = %q", got)
	}
	if sl := rt.SystemTopics(); sl.BrokerAddr != nil || sl.TopicList == nil {
		t.Errorf("SystemTopics = %+v, want an empty non-nil list and no address", sl)
	}
	rt.Register(reg("c", "b", 0, addrA, map[string]route.TopicConfig{
		route.DefaultTopic: route.NewTopicConfig(route.DefaultTopic, 8, route.PermRead|route.PermWrite|route.PermInherit),
	}), t0)
	rd, ok := rt.Route(route.DefaultTopic)
	if !ok || len(rd.QueueDatas) != 1 || rd.QueueDatas[0].Perm != 7 || rd.QueueDatas[0].WriteQueueNums != 8 {
		t.Errorf("TBW102 route = %+v, %v; want one queue data with perm 7 and 8 queues", rd, ok)
	}
}

func TestRetryRoute(t *testing.T) {
	tbl := NewRouteTable()
	if _, ok := tbl.RetryRoute("%RETRY%g"); ok {
		t.Fatal("retry route with no brokers")
	}
	tbl.Register(Registration{Broker: Broker{Cluster: "c", Name: "broker-b", ID: 0, Addr: "127.0.0.1:2"}}, time.Now())
	tbl.Register(Registration{Broker: Broker{Cluster: "c", Name: "broker-a", ID: 0, Addr: "127.0.0.1:1"}}, time.Now())
	rd, ok := tbl.RetryRoute("%RETRY%g")
	if !ok || len(rd.QueueDatas) != 2 || rd.QueueDatas[0].BrokerName != "broker-a" || rd.QueueDatas[0].WriteQueueNums != 1 ||
		rd.BrokerDatas[1].BrokerAddrs[0] != "127.0.0.1:2" {
		t.Fatalf("retry route = %+v", rd)
	}
	if _, ok := tbl.RetryRoute("plain"); ok {
		t.Fatal("a plain topic got a retry route")
	}
}
