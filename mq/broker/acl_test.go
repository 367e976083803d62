package broker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/admin"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"

	"github.com/sagashop/sagashop/mq/acl"
	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/namesrv"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/store"
)

const testACLFile = `
accounts:
  - accessKey: producer1
    secretKey: secret-p1
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms: [orders=PUB]
  - accessKey: consumer1
    secretKey: secret-c1
    defaultTopicPerm: DENY
    defaultGroupPerm: DENY
    topicPerms: [orders=SUB]
    groupPerms: [billing=SUB]
  - accessKey: adminUser
    secretKey: secret-a1
    admin: true
`

func newACLTestBroker(t *testing.T, aclEnable bool) *Broker {
	t.Helper()
	opts := DefaultOptions()
	opts.Config.StorePathRootDir = t.TempDir()
	opts.Config.AclEnable = aclEnable
	b, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func TestWithACLOff(t *testing.T) {
	b := newACLTestBroker(t, false)
	h := b.mux()
	if got := b.withACL(h); got != remoting.Handler(h) {
		t.Fatalf("withACL with aclEnable=false returned %T, want the handler itself", got)
	}
	if v, err := loadACL(b.cfg, "/nonexistent"); v != nil || err != nil {
		t.Fatalf("loadACL with aclEnable=false = %v, %v", v, err)
	}
}

func TestWithACLUnusableFile(t *testing.T) {
	b := newACLTestBroker(t, false)
	b.cfg.AclEnable = true // after New, which may refuse a missing file itself
	if _, err := loadACL(b.cfg, ""); !errors.Is(err, ErrInvalidOptions) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("loadACL of a missing default file = %v", err)
	}
	h := b.withACL(b.mux())
	resp := h.Serve(nil, remoting.NewRequest(remoting.SendMessage, map[string]string{"topic": "t"}, nil))
	if remoting.ResponseCode(resp.Code) != remoting.NoPermission {
		t.Fatalf("response %v, want NO_PERMISSION", resp)
	}
}

func TestACLResources(t *testing.T) {
	b := newACLTestBroker(t, false)
	put := func(topic, props string) string {
		t.Helper()
		host := netip.MustParseAddrPort("127.0.0.1:1")
		m := &message.Message{Topic: topic, BornHost: host, StoreHost: host, Body: []byte("x"), Properties: props}
		if _, err := b.store.Put([]store.Entry{{Msg: m}}); err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(m.PhysicalOffset, 10)
	}
	secretOff := put("secretTopic", "")
	halfOff := put("RMQ_SYS_TRANS_HALF_TOPIC", message.WithProperty("", message.PropRealTopic, "payments"))
	retryOff := put("%RETRY%billing", "")

	topic := func(n string, p acl.Perm) acl.Resource { return acl.Resource{Kind: acl.Topic, Name: n, Perm: p} }
	group := func(n string, p acl.Perm) acl.Resource { return acl.Resource{Kind: acl.Group, Name: n, Perm: p} }
	hb := `{"clientID":"c1","producerDataSet":[{"groupName":"pg"}],"consumerDataSet":[{"groupName":"cg",` +
		`"subscriptionDataSet":[{"topic":"orders"},{"topic":"%RETRY%cg"}]}]}`
	tests := []struct {
		name  string
		code  remoting.RequestCode
		ext   map[string]string
		body  string
		want  acl.Resources
		bad   bool
		admin bool
	}{
		{"send", remoting.SendMessage, map[string]string{"topic": "orders", "producerGroup": "pg"}, "", acl.Resources{topic("orders", acl.Pub)}, false, false},
		{"send v2", remoting.SendMessageV2, map[string]string{"b": "orders", "a": "pg"}, "", acl.Resources{topic("orders", acl.Pub)}, false, false},
		{"batch", remoting.SendBatchMessage, map[string]string{"b": "orders", "a": "pg"}, "", acl.Resources{topic("orders", acl.Pub)}, false, false},
		{"send to a retry topic", remoting.SendMessage, map[string]string{"topic": "%RETRY%cg"}, "", acl.Resources{group("cg", acl.Sub)}, false, false},
		{"send without a topic", remoting.SendMessage, map[string]string{}, "", nil, true, false},
		{"reply", remoting.SendReplyMessage, map[string]string{"topic": "DefaultCluster_REPLY_TOPIC"}, "", acl.Resources{topic("DefaultCluster_REPLY_TOPIC", acl.Pub)}, false, false},
		{"pull", remoting.PullMessage, map[string]string{"topic": "orders", "consumerGroup": "cg"}, "", acl.Resources{topic("orders", acl.Sub), group("cg", acl.Sub)}, false, false},
		{"pull retry", remoting.PullMessage, map[string]string{"topic": "%RETRY%cg", "consumerGroup": "cg"}, "", acl.Resources{group("cg", acl.Sub), group("cg", acl.Sub)}, false, false},
		{"query offset", remoting.QueryConsumerOffset, map[string]string{"topic": "orders", "consumerGroup": "cg"}, "", acl.Resources{topic("orders", acl.Sub), group("cg", acl.Sub)}, false, false},
		{"update offset", remoting.UpdateConsumerOffset, map[string]string{"topic": "orders", "consumerGroup": "cg"}, "", acl.Resources{topic("orders", acl.Sub), group("cg", acl.Sub)}, false, false},
		{"max offset", remoting.GetMaxOffset, map[string]string{"topic": "orders"}, "", acl.Resources{topic("orders", acl.Sub)}, false, false},
		{"heartbeat", remoting.HeartBeat, nil, hb, acl.Resources{group("cg", acl.Sub), topic("orders", acl.Sub), group("cg", acl.Sub), group("pg", acl.Any)}, false, false},
		{"bad heartbeat", remoting.HeartBeat, nil, "{", nil, true, false},
		{"unregister", remoting.UnregisterClient, map[string]string{"producerGroup": "pg"}, "", acl.Resources{group("pg", acl.Any)}, false, false},
		{"consumer list", remoting.GetConsumerListByGroup, map[string]string{"consumerGroup": "cg"}, "", acl.Resources{group("cg", acl.Sub)}, false, false},
		{"consume stats", remoting.GetConsumeStats, map[string]string{"consumerGroup": "cg"}, "", acl.Resources{group("cg", acl.Sub)}, false, false},
		{"send back reads the stored topic", remoting.ConsumerSendMsgBack, map[string]string{"group": "cg", "offset": secretOff, "originTopic": "orders"}, "",
			acl.Resources{group("cg", acl.Sub), topic("secretTopic", acl.Sub)}, false, false},
		{"send back of a retry message", remoting.ConsumerSendMsgBack, map[string]string{"group": "billing", "offset": retryOff}, "",
			acl.Resources{group("billing", acl.Sub), group("billing", acl.Sub)}, false, false},
		{"send back of nothing", remoting.ConsumerSendMsgBack, map[string]string{"group": "cg", "offset": "999999999"}, "", acl.Resources{group("cg", acl.Sub)}, false, false},
		{"end transaction reads the real topic", remoting.EndTransaction, map[string]string{"producerGroup": "pg", "commitLogOffset": halfOff}, "",
			acl.Resources{group("pg", acl.Any), topic("payments", acl.Pub)}, false, false},
		{"lock", remoting.LockBatchMQ, nil, `{"consumerGroup":"cg","clientId":"c1","mqSet":[{"topic":"orders","brokerName":"b","queueId":0}]}`,
			acl.Resources{group("cg", acl.Sub), topic("orders", acl.Sub)}, false, false},
		{"bad lock body", remoting.UnlockBatchMQ, nil, "[", nil, true, false},
		{"admin code", remoting.UpdateAndCreateTopic, map[string]string{"topic": "x"}, "", nil, false, true},
		{"unmapped code", remoting.GetBrokerRuntimeInfo, nil, "", nil, false, true},
		{"pull a system topic", remoting.PullMessage, map[string]string{"topic": "SCHEDULE_TOPIC_XXXX", "consumerGroup": "cg"}, "",
			acl.Resources{topic("SCHEDULE_TOPIC_XXXX", acl.Sub), group("cg", acl.Sub)}, false, true},
		{"view a stored message", remoting.ViewMessageByID, map[string]string{"offset": secretOff}, "", acl.Resources{topic("secretTopic", acl.Sub)}, false, false},
		{"view a half message", remoting.ViewMessageByID, map[string]string{"offset": halfOff}, "", acl.Resources{topic("RMQ_SYS_TRANS_HALF_TOPIC", acl.Sub)}, false, true},
		{"query message", remoting.QueryMessage, map[string]string{"topic": "orders", "key": "k"}, "", acl.Resources{topic("orders", acl.Sub)}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			got, admin, err := b.aclResources(remoting.NewRequest(tt.code, tt.ext, body))
			if (err != nil) != tt.bad {
				t.Fatalf("aclResources error = %v, want error %v", err, tt.bad)
			}
			if !reflect.DeepEqual(got, tt.want) || admin != tt.admin {
				t.Fatalf("aclResources = %v, admin %v; want %v, admin %v", got, admin, tt.want, tt.admin)
			}
		})
	}
}

// idleListener never accepts. Its Addr is the address of the test's own
// ACL-guarded server, which Start then advertises and registers.
type idleListener struct {
	addr net.Addr
	once sync.Once
	done chan struct{}
}

func (l *idleListener) Accept() (net.Conn, error) { <-l.done; return nil, net.ErrClosed }
func (l *idleListener) Close() error              { l.once.Do(func() { close(l.done) }); return nil }
func (l *idleListener) Addr() net.Addr            { return l.addr }

type aclCluster struct {
	b          *Broker
	nsAddr     string
	brokerAddr string
}

// startACLCluster runs a NameServer and a broker with aclEnable=true and
// the accounts of yml in the default file. Start does not guard its own
// handler yet (that is a change to broker.go), so the test serves
// b.withACL(b.mux()) on a listener of its own and has Start advertise
// that one; this keeps working once Start guards its handler too.
func startACLCluster(t *testing.T, yml string) *aclCluster {
	t.Helper()
	rlog.SetLogLevel("error")
	dir := t.TempDir()
	root := filepath.Join(dir, "store")
	if err := os.MkdirAll(filepath.Join(root, "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "config", "plain_acl.yml"), []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	ns, err := namesrv.New(namesrv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	nsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wg.Add(1)
	go func() { defer wg.Done(); ns.Serve(nsLn) }()

	opts := DefaultOptions()
	opts.Config.StorePathRootDir = root
	opts.Config.NamesrvAddr = nsLn.Addr().String()
	opts.Config.AclEnable = true
	b, err := New(opts)
	if err != nil {
		ns.Close()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := remoting.NewServer(b.withACL(b.mux()), remoting.ServerOptions{
		Conn: remoting.ConnOptions{Logger: b.log}, OnClose: b.connClosed,
	})
	wg.Add(1)
	go func() { defer wg.Done(); srv.Serve(ln) }()
	if err := b.Start(&idleListener{addr: ln.Addr(), done: make(chan struct{})}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		b.Close()
		ns.Close()
		wg.Wait()
	})
	return &aclCluster{b: b, nsAddr: nsLn.Addr().String(), brokerAddr: b.Addr()}
}

var aclInstance atomic.Int64

func instanceName(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, os.Getpid(), aclInstance.Add(1))
}

// producer starts a producer with cred (none when nil) and its own client
// instance unless extra says otherwise.
func (c *aclCluster) producer(t *testing.T, cred *primitive.Credentials, extra ...producer.Option) rocketmq.Producer {
	t.Helper()
	opts := []producer.Option{
		producer.WithNsResolver(primitive.NewPassthroughResolver([]string{c.nsAddr})),
		producer.WithRetry(1),
		producer.WithInstanceName(instanceName("acl-p")),
	}
	if cred != nil {
		opts = append(opts, producer.WithCredentials(*cred))
	}
	opts = append(opts, extra...)
	p, err := rocketmq.NewProducer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Shutdown() })
	return p
}

func send(p rocketmq.Producer, topic, body string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := p.SendSync(ctx, primitive.NewMessage(topic, []byte(body)))
	if err == nil && res.Status != primitive.SendOK {
		err = fmt.Errorf("status %d", res.Status)
	}
	return err
}

// invoke sends one request over a raw connection, signed with ak/sk
// unless ak is "".
func (c *aclCluster) invoke(t *testing.T, code remoting.RequestCode, ak, sk string, ext map[string]string) *remoting.Command {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := remoting.Dial(ctx, c.brokerAddr, nil, remoting.ConnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if ak != "" {
		ext[acl.AccessKeyField] = ak
		ext[acl.SignatureField] = acl.Sign(sk, ext, nil)
	}
	resp, err := conn.Invoke(ctx, remoting.NewRequest(code, ext, nil))
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestACLEndToEnd(t *testing.T) {
	c := startACLCluster(t, testACLFile)
	good := c.producer(t, &primitive.Credentials{AccessKey: "producer1", SecretKey: "secret-p1"})

	t.Run("correct credentials send", func(t *testing.T) {
		if err := send(good, "orders", "first"); err != nil {
			t.Fatalf("send: %v", err)
		}
	})
	t.Run("no permission on the topic", func(t *testing.T) {
		err := send(good, "ledger", "x")
		if err == nil || !strings.Contains(err.Error(), "CODE: 16") ||
			!strings.Contains(err.Error(), "No default topic PUB permission for accessKey=producer1") {
			t.Fatalf("send to a DENY topic: %v", err)
		}
	})
	t.Run("wrong secret fails and the broker keeps serving", func(t *testing.T) {
		bad := c.producer(t, &primitive.Credentials{AccessKey: "producer1", SecretKey: "not-the-secret"})
		err := send(bad, "orders", "x")
		if err == nil || !strings.Contains(err.Error(), "CODE: 16") || !strings.Contains(err.Error(), "Check signature failed for accessKey=producer1") {
			t.Fatalf("send with a wrong secret: %v", err)
		}
		if err := send(good, "orders", "after-bad"); err != nil {
			t.Fatalf("send after a refused one: %v", err)
		}
	})
	t.Run("no credentials", func(t *testing.T) {
		anon := c.producer(t, nil)
		err := send(anon, "orders", "x")
		if err == nil || !strings.Contains(err.Error(), "CODE: 16") || !strings.Contains(err.Error(), "No accessKey is configured") {
			t.Fatalf("send without credentials: %v", err)
		}
	})
	t.Run("admin code from a non-admin account", func(t *testing.T) {
		resp := c.invoke(t, remoting.UpdateAndCreateTopic, "producer1", "secret-p1", map[string]string{"topic": "madeByProducer"})
		if remoting.ResponseCode(resp.Code) != remoting.NoPermission ||
			!strings.Contains(resp.Remark, "Need admin permission for request code=17, but accessKey=producer1 is not admin") {
			t.Fatalf("response %d %q", resp.Code, resp.Remark)
		}
		if _, ok := c.b.topics.get("madeByProducer"); ok {
			t.Fatal("the topic was created")
		}
	})
	t.Run("pull without group permission", func(t *testing.T) {
		resp := c.invoke(t, remoting.PullMessage, "consumer1", "secret-c1", map[string]string{
			"consumerGroup": "other", "topic": "orders", "queueId": "0", "queueOffset": "0", "maxMsgNums": "1", "sysFlag": "0",
		})
		if remoting.ResponseCode(resp.Code) != remoting.NoPermission ||
			!strings.Contains(resp.Remark, "No default group SUB permission for accessKey=consumer1 (group=other") {
			t.Fatalf("response %d %q", resp.Code, resp.Remark)
		}
	})
	t.Run("official admin client", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		newAdmin := func(cred *primitive.Credentials) admin.Admin {
			opts := []admin.AdminOption{admin.WithResolver(primitive.NewPassthroughResolver([]string{c.nsAddr}))}
			if cred != nil {
				opts = append(opts, admin.WithCredentials(*cred))
			}
			a, err := admin.NewAdmin(opts...)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			return a
		}
		create := func(a admin.Admin, topic string) bool {
			t.Helper()
			// The client ignores the reply code; look at the broker.
			_ = a.CreateTopic(ctx, admin.WithTopicCreate(topic), admin.WithBrokerAddrCreate(c.brokerAddr))
			_, ok := c.b.topics.get(topic)
			return ok
		}
		if create(newAdmin(nil), "madeUnsigned") {
			t.Error("an unsigned CreateTopic from a non-whitelisted address created the topic")
		}
		nonAdmin := newAdmin(&primitive.Credentials{AccessKey: "producer1", SecretKey: "secret-p1"})
		if _, err := nonAdmin.GetAllSubscriptionGroup(ctx, c.brokerAddr, 3*time.Second); err == nil {
			t.Error("GET_ALL_SUBSCRIPTIONGROUP_CONFIG succeeded for a non-admin account")
		}
		if create(nonAdmin, "madeByNonAdmin") {
			t.Error("a non-admin account created a topic")
		}
		root := newAdmin(&primitive.Credentials{AccessKey: "adminUser", SecretKey: "secret-a1"})
		if _, err := root.GetAllSubscriptionGroup(ctx, c.brokerAddr, 3*time.Second); err != nil {
			t.Errorf("GET_ALL_SUBSCRIPTIONGROUP_CONFIG as admin: %v", err)
		}
		if !create(root, "madeByAdmin") {
			t.Error("the admin account could not create a topic")
		}
	})
	t.Run("consumer with SUB consumes", func(t *testing.T) {
		cred := primitive.Credentials{AccessKey: "consumer1", SecretKey: "secret-c1"}
		inst := instanceName("acl-c")
		// The client refreshes its routes 10ms after it starts, on a
		// goroutine of its own that races (inside the client, seen by
		// -race) with the rebalance NOTIFY_CONSUMER_IDS_CHANGED starts.
		// Starting the shared client instance first, through a producer of
		// a group consumer1 may use, lets that refresh finish beforehand.
		c.producer(t, &cred, producer.WithInstanceName(inst), producer.WithGroupName("billing"))
		time.Sleep(300 * time.Millisecond)
		got := make(chan string, 64)
		pc, err := rocketmq.NewPushConsumer(
			consumer.WithNsResolver(primitive.NewPassthroughResolver([]string{c.nsAddr})),
			consumer.WithGroupName("billing"),
			consumer.WithInstance(inst),
			consumer.WithCredentials(cred),
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset),
		)
		if err != nil {
			t.Fatal(err)
		}
		err = pc.Subscribe("orders", consumer.MessageSelector{}, func(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
			for _, m := range msgs {
				got <- string(m.Body)
			}
			return consumer.ConsumeSuccess, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := pc.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pc.Shutdown() })
		if err := send(good, "orders", "for-billing"); err != nil {
			t.Fatal(err)
		}
		deadline := time.After(30 * time.Second)
		for received := false; !received; {
			select {
			case body := <-got:
				received = body == "for-billing"
			case <-deadline:
				t.Fatal("the consumer received nothing")
			}
		}
		// Shutdown writes a flag that in-flight client calls read without
		// synchronisation (client.go: c.close); let the rebalances the
		// broker's notifications started finish first.
		time.Sleep(500 * time.Millisecond)
	})
}
