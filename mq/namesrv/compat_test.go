package namesrv

// Compatibility with the official Go client, github.com/apache/rocketmq-client-go/v2
// v2.1.2: its admin and producer packages against a real NameServer, and a
// copy of its route parser (internal/route.go decode, which cannot be
// imported) run over our route bodies.

import (
	"context"
	"fmt"
	"net"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/admin"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"
	jsoniter "github.com/json-iterator/go"
	"github.com/tidwall/gjson"

	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

func TestMain(m *testing.M) {
	rlog.SetLogLevel("error") // the client logs every route refresh at info
	os.Exit(m.Run())
}

// clientQueueData and clientBrokerData mirror the client's route types.
type clientQueueData struct {
	BrokerName     string `json:"brokerName"`
	ReadQueueNums  int    `json:"readQueueNums"`
	WriteQueueNums int    `json:"writeQueueNums"`
	Perm           int    `json:"perm"`
	TopicSynFlag   int    `json:"topicSynFlag"`
}

type clientBrokerData struct {
	Cluster         string
	BrokerName      string
	BrokerAddresses map[int64]string
}

// clientDecodeRoute is internal/route.go TopicRouteData.decode of v2.1.2,
// line for line: jsoniter for queueDatas, brokerAddrs split by hand.
func clientDecodeRoute(data string) ([]*clientQueueData, []*clientBrokerData, error) {
	var qds []*clientQueueData
	res := gjson.Parse(data)
	if err := jsoniter.Unmarshal([]byte(res.Get("queueDatas").String()), &qds); err != nil {
		return nil, nil, err
	}
	bds := res.Get("brokerDatas").Array()
	out := make([]*clientBrokerData, len(bds))
	for idx, v := range bds {
		bd := &clientBrokerData{
			BrokerName:      v.Get("brokerName").String(),
			Cluster:         v.Get("cluster").String(),
			BrokerAddresses: make(map[int64]string, 0),
		}
		addrs := v.Get("brokerAddrs").String()
		strs := strings.Split(addrs[1:len(addrs)-1], ",")
		for _, str := range strs {
			i := strings.Index(str, ":")
			if i < 0 {
				continue
			}
			brokerID := strings.ReplaceAll(str[0:i], "\"", "")
			id, _ := strconv.ParseInt(brokerID, 10, 64)
			bd.BrokerAddresses[id] = strings.Replace(str[i+1:], "\"", "", -1)
		}
		out[idx] = bd
	}
	return qds, out, nil
}

func TestClientRouteParser(t *testing.T) {
	const dc = route.DefaultClusterName
	tests := []struct {
		name    string
		regs    []Registration
		wantQDs []clientQueueData
		wantBDs []clientBrokerData
	}{
		{
			name:    "one member",
			regs:    []Registration{reg(dc, "broker-a", 0, addrA, topics(4, "T"))},
			wantQDs: []clientQueueData{{BrokerName: "broker-a", ReadQueueNums: 4, WriteQueueNums: 4, Perm: 6}},
			wantBDs: []clientBrokerData{{Cluster: dc, BrokerName: "broker-a", BrokerAddresses: map[int64]string{0: addrA}}},
		},
		{
			name: "master and slave",
			regs: []Registration{
				reg(dc, "broker-a", 0, addrA, topics(4, "T")),
				reg(dc, "broker-a", 1, addrA1, nil),
			},
			wantQDs: []clientQueueData{{BrokerName: "broker-a", ReadQueueNums: 4, WriteQueueNums: 4, Perm: 6}},
			wantBDs: []clientBrokerData{{Cluster: dc, BrokerName: "broker-a", BrokerAddresses: map[int64]string{0: addrA, 1: addrA1}}},
		},
		{
			name: "two brokers",
			regs: []Registration{
				reg(dc, "broker-b", 0, addrB, topics(8, "T")),
				reg(dc, "broker-a", 0, addrA, topics(4, "T")),
				reg(dc, "broker-a", 1, addrA1, nil),
			},
			wantQDs: []clientQueueData{
				{BrokerName: "broker-a", ReadQueueNums: 4, WriteQueueNums: 4, Perm: 6},
				{BrokerName: "broker-b", ReadQueueNums: 8, WriteQueueNums: 8, Perm: 6},
			},
			wantBDs: []clientBrokerData{
				{Cluster: dc, BrokerName: "broker-a", BrokerAddresses: map[int64]string{0: addrA, 1: addrA1}},
				{Cluster: dc, BrokerName: "broker-b", BrokerAddresses: map[int64]string{0: addrB}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := NewRouteTable()
			for _, r := range tt.regs {
				rt.Register(r, t0)
			}
			body := routeJSON(t, rt, "T")
			qds, bds, err := clientDecodeRoute(body)
			if err != nil {
				t.Fatalf("client decode of %s: %v", body, err)
			}
			if got := deref(qds); !reflect.DeepEqual(got, tt.wantQDs) {
				t.Errorf("queue datas = %+v, want %+v", got, tt.wantQDs)
			}
			if got := deref(bds); !reflect.DeepEqual(got, tt.wantBDs) {
				t.Errorf("broker datas = %+v, want %+v", got, tt.wantBDs)
			}
		})
	}
}

func deref[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// registerRaw registers a broker that is nothing but an address, over a
// connection kept open for the rest of the test.
func registerRaw(t *testing.T, nsAddr, name, brokerAddr string, table map[string]route.TopicConfig) {
	t.Helper()
	registerOver(t, dial(t, nsAddr), name, brokerAddr, table)
}

func TestOfficialAdmin(t *testing.T) {
	_, addr := startServer(t, Options{})
	// Nothing listens at the broker address: admin talks to the namesrv only.
	registerRaw(t, addr, "broker-a", "127.0.0.1:1", topics(4, "T"))
	registerRaw(t, addr, "broker-b", "127.0.0.1:2", topics(2, "T", "B"))

	adm, err := admin.NewAdmin(admin.WithResolver(primitive.NewPassthroughResolver([]string{addr})))
	if err != nil {
		t.Fatalf("NewAdmin: %v", err)
	}
	defer adm.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	list, err := adm.FetchAllTopicList(ctx)
	if err != nil {
		t.Fatalf("FetchAllTopicList: %v", err)
	}
	if want := []string{"B", "T"}; !reflect.DeepEqual(list.TopicList, want) || list.BrokerAddr != "" {
		t.Errorf("FetchAllTopicList = %+v, want topics %q and no broker address", list, want)
	}

	// The client's own route query and parser (queryTopicRouteInfoFromServer,
	// decode, routeData2PublishInfo).
	mqs, err := adm.FetchPublishMessageQueues(ctx, "T")
	if err != nil {
		t.Fatalf("FetchPublishMessageQueues: %v", err)
	}
	var got []string
	for _, mq := range mqs {
		got = append(got, fmt.Sprintf("%s/%s/%d", mq.Topic, mq.BrokerName, mq.QueueId))
	}
	slices.Sort(got)
	want := []string{"T/broker-a/0", "T/broker-a/1", "T/broker-a/2", "T/broker-a/3", "T/broker-b/0", "T/broker-b/1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("publish queues = %q, want %q", got, want)
	}
	if _, err := adm.FetchPublishMessageQueues(ctx, "nope"); err == nil {
		t.Error("FetchPublishMessageQueues of an unknown topic succeeded")
	}
}

// fakeBroker accepts the official producer's SEND_MESSAGE and HEART_BEAT
// and records every send as "topic/queueId".
type fakeBroker struct {
	name string
	addr string
	mu   sync.Mutex
	sent []string
}

func startFakeBroker(t *testing.T, name string) *fakeBroker {
	t.Helper()
	fb := &fakeBroker{name: name}
	mux := remoting.NewMux()
	var offset int64
	mux.Handle(remoting.SendMessage, func(_ *remoting.Conn, req *remoting.Command) *remoting.Command {
		fb.mu.Lock()
		fb.sent = append(fb.sent, req.Ext("topic")+"/"+req.Ext("queueId"))
		offset++
		off := offset
		fb.mu.Unlock()
		resp := remoting.NewResponse(req, remoting.Success, "")
		resp.SetExt("msgId", fmt.Sprintf("%s-%d", name, off))
		resp.SetExt("queueId", req.Ext("queueId"))
		resp.SetExt("queueOffset", strconv.FormatInt(off, 10))
		return resp
	})
	mux.Handle(remoting.HeartBeat, func(_ *remoting.Conn, req *remoting.Command) *remoting.Command {
		return remoting.NewResponse(req, remoting.Success, "")
	})
	srv := remoting.NewServer(mux, remoting.ServerOptions{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fb.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return fb
}

func (fb *fakeBroker) sends() []string {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	return slices.Sorted(slices.Values(fb.sent))
}

func startProducer(t *testing.T, nsAddr string) rocketmq.Producer {
	t.Helper()
	p, err := rocketmq.NewProducer(
		producer.WithNsResolver(primitive.NewPassthroughResolver([]string{nsAddr})),
		producer.WithGroupName("namesrv_test"),
		producer.WithInstanceName(t.Name()), // a client of its own, not shared with other tests
		producer.WithRetry(0),
	)
	if err != nil {
		t.Fatalf("NewProducer: %v", err)
	}
	if err := p.Start(); err != nil {
		t.Fatalf("producer Start: %v", err)
	}
	t.Cleanup(func() { p.Shutdown() })
	return p
}

func TestOfficialProducerRoundRobinsOverBrokers(t *testing.T) {
	_, nsAddr := startServer(t, Options{})
	a, b := startFakeBroker(t, "broker-a"), startFakeBroker(t, "broker-b")
	registerRaw(t, nsAddr, a.name, a.addr, topics(4, "T"))
	registerRaw(t, nsAddr, b.name, b.addr, topics(4, "T"))

	p := startProducer(t, nsAddr)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range 8 {
		res, err := p.SendSync(ctx, primitive.NewMessage("T", []byte("m"+strconv.Itoa(i))))
		if err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		if res.Status != primitive.SendOK {
			t.Fatalf("send %d: status %v", i, res.Status)
		}
	}
	want := []string{"T/0", "T/1", "T/2", "T/3"}
	for _, fb := range []*fakeBroker{a, b} {
		if got := fb.sends(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s received %q, want %q", fb.name, got, want)
		}
	}
}

func TestOfficialProducerFallsBackToDefaultTopic(t *testing.T) {
	_, nsAddr := startServer(t, Options{})
	fb := startFakeBroker(t, "broker-a")
	// A broker with autoCreateTopicEnable registers TBW102 with perm 7.
	registerRaw(t, nsAddr, fb.name, fb.addr, map[string]route.TopicConfig{
		route.DefaultTopic: route.NewTopicConfig(route.DefaultTopic, 8, route.PermRead|route.PermWrite|route.PermInherit),
	})

	p := startProducer(t, nsAddr)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i := range 4 {
		if _, err := p.SendSync(ctx, primitive.NewMessage("NEW", []byte("m"))); err != nil {
			t.Fatalf("send %d to a new topic: %v", i, err)
		}
	}
	// The client caps TBW102's queues at 4 for the new topic.
	if got, want := fb.sends(), []string{"NEW/0", "NEW/1", "NEW/2", "NEW/3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("broker received %q, want %q", got, want)
	}
}
