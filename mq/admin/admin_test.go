package admin

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"

	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
	"github.com/sagashop/sagashop/mq/standalone"
)

const cluster = "DefaultCluster"

// startCluster runs a NameServer and a Broker on loopback ports and returns
// them with a Client for the NameServer; both close when the test ends.
func startCluster(t *testing.T) (*standalone.Cluster, *Client) {
	t.Helper()
	rlog.SetLogLevel("error")
	b := broker.DefaultOptions()
	b.Config.StorePathRootDir = t.TempDir()
	c, err := standalone.Start(standalone.Options{NamesrvListen: "127.0.0.1:0", BrokerListen: "127.0.0.1:0", Broker: b})
	if err != nil {
		t.Fatalf("start cluster: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	cl, err := New([]string{c.NamesrvAddr})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { cl.Close() })
	return c, cl
}

// eventually polls cond for up to five seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sendMessages sends n messages with the official client's producer.
func sendMessages(t *testing.T, nsAddr, topic string, n int) {
	t.Helper()
	p, err := rocketmq.NewProducer(producer.WithNsResolver(primitive.NewPassthroughResolver([]string{nsAddr})),
		producer.WithRetry(2), producer.WithGroupName("admin_test_pg"))
	if err != nil {
		t.Fatalf("NewProducer: %v", err)
	}
	if err := p.Start(); err != nil {
		t.Fatalf("producer Start: %v", err)
	}
	defer p.Shutdown()
	for i := range n {
		res, err := p.SendSync(context.Background(), primitive.NewMessage(topic, []byte("m"+strconv.Itoa(i))))
		if err != nil || res.Status != primitive.SendOK {
			t.Fatalf("send %d: %v %v", i, res, err)
		}
	}
}

// commitOffset stores a group's consumed offset the way consumers do.
func commitOffset(t *testing.T, cl *Client, brokerAddr, group, topic string, q int, off int64) {
	t.Helper()
	req := remoting.NewRequest(remoting.UpdateConsumerOffset, map[string]string{
		"consumerGroup": group, "topic": topic, "queueId": strconv.Itoa(q), "commitOffset": strconv.FormatInt(off, 10),
	}, nil)
	if _, err := cl.invoke(context.Background(), brokerAddr, req); err != nil {
		t.Fatalf("commit offset: %v", err)
	}
}

func TestTopicLifecycle(t *testing.T) {
	c, cl := startCluster(t)
	ctx := context.Background()
	const topic = "AdminLifecycle"

	addrs, err := cl.CreateTopic(ctx, cluster, route.NewTopicConfig(topic, 4, route.PermRead|route.PermWrite))
	if err != nil {
		t.Fatalf("CreateTopic: %v", err)
	}
	if !slices.Equal(addrs, []string{c.BrokerAddr}) {
		t.Fatalf("CreateTopic wrote to %v, want [%s]", addrs, c.BrokerAddr)
	}
	eventually(t, "the topic in the route", func() bool {
		rd, err := cl.Route(ctx, topic)
		return err == nil && len(rd.QueueDatas) == 1 && rd.QueueDatas[0].WriteQueueNums == 4
	})
	list, err := cl.TopicList(ctx)
	if err != nil || !slices.Contains(list, topic) {
		t.Fatalf("TopicList = %v, %v; want it to contain %s", list, err, topic)
	}

	sendMessages(t, c.NamesrvAddr, topic, 12)
	queues, err := cl.TopicStatus(ctx, topic)
	if err != nil {
		t.Fatalf("TopicStatus: %v", err)
	}
	if len(queues) != 4 {
		t.Fatalf("TopicStatus has %d queues, want 4: %+v", len(queues), queues)
	}
	var total int64
	for i, q := range queues {
		if q.QueueID != int32(i) || q.BrokerName != "broker-a" || q.MinOffset != 0 {
			t.Errorf("queue %d = %+v", i, q)
		}
		if q.MaxOffset > 0 && q.LastUpdateTimestamp == 0 {
			t.Errorf("queue %d has messages but no last update time", i)
		}
		total += q.MaxOffset
	}
	if total != 12 {
		t.Fatalf("TopicStatus counts %d messages, want 12", total)
	}

	const group = "AdminProgressGroup"
	commitOffset(t, cl, c.BrokerAddr, group, topic, 0, 1)
	cs, err := cl.ConsumerProgress(ctx, group, topic)
	if err != nil {
		t.Fatalf("ConsumerProgress: %v", err)
	}
	var lag int64
	for _, q := range cs.Queues {
		if q.Topic != topic {
			t.Errorf("progress has topic %q", q.Topic)
		}
		if q.BrokerOffset != queues[q.QueueID].MaxOffset {
			t.Errorf("queue %d broker offset %d, TopicStatus said %d", q.QueueID, q.BrokerOffset, queues[q.QueueID].MaxOffset)
		}
		lag += q.Lag()
	}
	if len(cs.Queues) != 4 || lag != 11 {
		t.Fatalf("ConsumerProgress has %d queues and lag %d, want 4 and 11: %+v", len(cs.Queues), lag, cs.Queues)
	}

	if err := cl.DeleteTopic(ctx, topic, cluster); err != nil {
		t.Fatalf("DeleteTopic: %v", err)
	}
	if _, err := cl.Route(ctx, topic); !errors.Is(err, ErrTopicNotFound) {
		t.Fatalf("Route after delete: %v, want ErrTopicNotFound", err)
	}
	eventually(t, "the topic to leave the list", func() bool {
		list, err := cl.TopicList(ctx)
		return err == nil && !slices.Contains(list, topic)
	})
	if _, err := cl.TopicStatus(ctx, topic); !errors.Is(err, ErrTopicNotFound) {
		t.Fatalf("TopicStatus after delete: %v, want ErrTopicNotFound", err)
	}
}

func TestCreateTopicOnBrokerAddress(t *testing.T) {
	c, cl := startCluster(t)
	ctx := context.Background()
	tc := route.NewTopicConfig("AdminByAddr", 2, route.PermRead|route.PermWrite)
	if _, err := cl.CreateTopic(ctx, c.BrokerAddr, tc); err != nil {
		t.Fatalf("CreateTopic: %v", err)
	}
	eventually(t, "the route", func() bool {
		rd, err := cl.Route(ctx, tc.TopicName)
		return err == nil && len(rd.BrokerDatas) == 1 && rd.BrokerDatas[0].BrokerAddrs[0] == c.BrokerAddr
	})
	ci, err := cl.ClusterInfo(ctx)
	if err != nil {
		t.Fatalf("ClusterInfo: %v", err)
	}
	if got := ci.ClusterAddrTable[cluster]; !slices.Equal(got, []string{"broker-a"}) {
		t.Fatalf("cluster %s has brokers %v", cluster, got)
	}
	if got := ci.BrokerAddrTable["broker-a"].BrokerAddrs[0]; got != c.BrokerAddr {
		t.Fatalf("broker-a master = %q, want %q", got, c.BrokerAddr)
	}
}

func TestConsumerConnections(t *testing.T) {
	c, cl := startCluster(t)
	ctx := context.Background()
	const group = "AdminConnGroup"
	commitOffset(t, cl, c.BrokerAddr, group, "SomeTopic", 0, 0)
	// A heartbeat is what makes a group online.
	hb := remoting.NewRequest(remoting.HeartBeat, nil, []byte(`{"clientID":"127.0.0.1@1","producerDataSet":[],`+
		`"consumerDataSet":[{"groupName":"`+group+`","consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING",`+
		`"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","subscriptionDataSet":[{"classFilterMode":false,"topic":"SomeTopic",`+
		`"subString":"*","tagsSet":[],"codeSet":[],"subVersion":1,"expressionType":"TAG"}],"unitMode":false}]}`))
	if _, err := cl.invoke(ctx, c.BrokerAddr, hb); err != nil {
		t.Fatalf("heartbeat: %v", err)
	}
	cc, err := cl.ConsumerConnections(ctx, group)
	if err != nil {
		t.Fatalf("ConsumerConnections: %v", err)
	}
	if len(cc.Connections) != 1 || cc.Connections[0].ClientID != "127.0.0.1@1" || cc.MessageModel != "CLUSTERING" {
		t.Fatalf("ConsumerConnections = %+v", cc)
	}
	if len(cc.Subscriptions) != 1 || cc.Subscriptions[0].Topic != "SomeTopic" {
		t.Fatalf("subscriptions = %+v", cc.Subscriptions)
	}
}

func TestErrors(t *testing.T) {
	_, cl := startCluster(t)
	ctx := context.Background()
	noNamesrv, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	closed, err := New([]string{"127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	tests := []struct {
		name     string
		call     func() error
		want     error
		wantCode remoting.ResponseCode
	}{
		{name: "route of unknown topic", want: ErrTopicNotFound, wantCode: remoting.TopicNotExist,
			call: func() error { _, err := cl.Route(ctx, "NoSuchTopic"); return err }},
		{name: "status of unknown topic", want: ErrTopicNotFound, wantCode: remoting.TopicNotExist,
			call: func() error { _, err := cl.TopicStatus(ctx, "NoSuchTopic"); return err }},
		{name: "create on unknown cluster", want: ErrClusterNotFound,
			call: func() error {
				_, err := cl.CreateTopic(ctx, "NoCluster", route.NewTopicConfig("T", 1, 6))
				return err
			}},
		{name: "delete on unknown cluster", want: ErrClusterNotFound,
			call: func() error { return cl.DeleteTopic(ctx, "T", "NoCluster") }},
		{name: "create a system topic", wantCode: remoting.SystemError,
			call: func() error {
				_, err := cl.CreateTopic(ctx, cluster, route.NewTopicConfig(route.DefaultTopic, 1, 6))
				return err
			}},
		{name: "create a bad name", want: route.ErrBadName,
			call: func() error { _, err := cl.CreateTopic(ctx, cluster, route.NewTopicConfig("a b", 1, 6)); return err }},
		{name: "progress of unknown group", want: ErrNoConsumeStats,
			call: func() error { _, err := cl.ConsumerProgress(ctx, "NoGroup", ""); return err }},
		{name: "connections of offline group", wantCode: remoting.ConsumerNotOnline,
			call: func() error { _, err := cl.ConsumerConnections(ctx, "NoGroup"); return err }},
		{name: "no NameServer", want: ErrNoNamesrv,
			call: func() error { _, err := noNamesrv.TopicList(ctx); return err }},
		{name: "closed client", want: ErrClosed,
			call: func() error { _, err := closed.ClusterInfo(ctx); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
			var re *remoting.ResponseError
			if tt.wantCode != 0 && (!errors.As(err, &re) || re.Code != tt.wantCode) {
				t.Errorf("error %v, want response code %v", err, tt.wantCode)
			}
		})
	}
}

func TestNamesrvFailover(t *testing.T) {
	c, _ := startCluster(t)
	cl, err := New([]string{"127.0.0.1:1", c.NamesrvAddr}, WithTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := cl.ClusterInfo(context.Background()); err != nil {
		t.Fatalf("ClusterInfo with a dead first NameServer: %v", err)
	}
}
