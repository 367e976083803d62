package integration

// The tests in this file mirror the client's own examples (examples/ in
// rocketmq-client-go v2.1.2) with the options those examples use, and
// assert what each example prints as success.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/admin"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

// storedCount waits until the topic's queues hold n messages in all.
func storedCount(t *testing.T, c *cluster, topic string, queues, n int) {
	t.Helper()
	var sum int64
	ok := eventually(5*time.Second, func() bool {
		sum = 0
		for q := 0; q < queues; q++ {
			sum += maxOffset(t, c, topic, q)
		}
		return sum == int64(n)
	})
	if !ok {
		t.Fatalf("%s holds %d messages, want %d", topic, sum, n)
	}
}

// TestExampleSimple mirrors producer/simple (ten SendSync to a topic that
// does not exist yet, auto-created through TBW102) and consumer/simple
// (default options, i.e. CONSUME_FROM_LAST_OFFSET, which still reads a
// young topic from its start).
func TestExampleSimple(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "test")
		p := newProducer(t, c, producer.WithRetry(2))
		var want []string
		for i := 0; i < 10; i++ {
			body := "Hello RocketMQ Go Client! " + fmt.Sprint(i)
			res := sendSync(t, p, &primitive.Message{Topic: topic, Body: []byte(body)})
			t.Logf("send message success: result=%s", res.String())
			want = append(want, body)
		}
		waitRoute(t, c, topic, 4) // min(4 queues the client asks for, TBW102's 8)
		storedCount(t, c, topic, 4, 10)

		col := newCollector()
		startPushConsumer(t, c, uniqName(t, "testGroup"), topic, consumer.MessageSelector{}, col.handler("m"))
		col.expectExactly(t, want, 15*time.Second, time.Second)
		for _, b := range want {
			t.Logf("subscribe callback: %v", col.msg(b))
		}
	})
}

// TestExampleAsync mirrors producer/async: ten SendAsync whose callbacks
// must all report success.
func TestExampleAsync(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "test")
		p := newProducer(t, c, producer.WithRetry(2))
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			errs []error
		)
		for i := 0; i < 10; i++ {
			wg.Add(1)
			err := p.SendAsync(context.Background(), func(ctx context.Context, result *primitive.SendResult, e error) {
				defer wg.Done()
				mu.Lock()
				defer mu.Unlock()
				if e == nil && (result == nil || result.Status != primitive.SendOK) {
					e = fmt.Errorf("result %v", result)
				}
				if e != nil {
					errs = append(errs, e)
					return
				}
				t.Logf("send message success: result=%s", result.String())
			}, primitive.NewMessage(topic, []byte("Hello RocketMQ Go Client!")))
			if err != nil {
				t.Fatalf("send message error: %s", err)
			}
		}
		waited := make(chan struct{})
		go func() { wg.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(15 * time.Second):
			t.Fatal("not every async callback came within 15s")
		}
		if len(errs) > 0 {
			t.Fatalf("receive message error: %v", errs)
		}
		waitRoute(t, c, topic, 4)
		storedCount(t, c, topic, 4, 10)
	})
}

// TestExampleBatch mirrors producer/batch: one SendSync of ten messages.
func TestExampleBatch(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "test")
		p := newProducer(t, c, producer.WithRetry(2))
		var msgs []*primitive.Message
		var want []string
		for i := 0; i < 10; i++ {
			body := "Hello RocketMQ Go Client! num: " + fmt.Sprint(i)
			msgs = append(msgs, primitive.NewMessage(topic, []byte(body)))
			want = append(want, body)
		}
		res := sendSync(t, p, msgs...)
		t.Logf("send message success: result=%s", res.String())
		if n := len(strings.Split(res.OffsetMsgID, ",")); n != 10 {
			t.Errorf("the batch reply names %d messages, want 10: %s", n, res.OffsetMsgID)
		}
		waitRoute(t, c, topic, 4)
		storedCount(t, c, topic, 4, 10)
		col := newCollector()
		startPushConsumer(t, c, uniqName(t, "testGroup"), topic, consumer.MessageSelector{}, col.handler("m"),
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		col.expectExactly(t, want, 15*time.Second, time.Second)
	})
}

// TestExampleTag mirrors producer/tag (TagA, TagB, TagC) with consumer/tag
// ("TagA || TagC", default options) running on a pre-created topic.
func TestExampleTag(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "TopicTest")
		createTopic(t, c, topic, 4)
		col := newCollector()
		startPushConsumer(t, c, uniqName(t, "testGroup"), topic, consumer.MessageSelector{Type: consumer.TAG, Expression: "TagA || TagC"},
			col.handler("m"))
		p := newProducer(t, c, producer.WithRetry(2))
		tags := []string{"TagA", "TagB", "TagC"}
		var want []string
		for i := 0; i < 9; i++ {
			tag := tags[i%3]
			body := fmt.Sprintf("Hello RocketMQ Go Client! %s %d", tag, i)
			res := sendSync(t, p, primitive.NewMessage(topic, []byte(body)).WithTag(tag))
			t.Logf("send message success: result=%s", res.String())
			if tag != "TagB" {
				want = append(want, body)
			}
		}
		col.expectExactly(t, want, 15*time.Second, 1500*time.Millisecond)
		for _, b := range want {
			if m := col.msg(b); m.GetTags() == "TagB" {
				t.Errorf("got a TagB message: %v", m)
			}
		}
	})
}

// TestExampleBroadcast mirrors consumer/broadcast: BROADCASTING with
// CONSUME_FROM_FIRST_OFFSET gets what was sent before it started.
func TestExampleBroadcast(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "min")
		createTopic(t, c, topic, 4)
		want := bodies("min", 10)
		sendBodies(t, newProducer(t, c), topic, want)
		group := uniqName(t, "testGroup")
		cleanLocalOffsets(t, group)
		col := newCollector()
		startPushConsumer(t, c, group, topic, consumer.MessageSelector{}, col.handler("m"),
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset),
			consumer.WithConsumerModel(consumer.BroadCasting))
		col.expectExactly(t, want, 15*time.Second, time.Second)
	})
}

// exampleNamespace and exampleCredentials are what the pull examples use.
// The broker runs without ACL and must accept and ignore the signature.
const exampleNamespace = "ns"

var exampleCredentials = primitive.Credentials{AccessKey: "rocketmq", SecretKey: "12345678"}

// newExamplePullConsumer builds the pull consumer of the pull examples:
// namesrv given as "http://host:port", credentials, namespace "ns",
// MaxReconsumeTimes 2.
func newExamplePullConsumer(t *testing.T, c *cluster, group, topic, tag string) rocketmq.PullConsumer {
	t.Helper()
	nameSrv, err := primitive.NewNamesrvAddr("http://" + c.NamesrvAddr)
	if err != nil {
		t.Fatalf("NewNamesrvAddr err: %v", err)
	}
	pc, err := rocketmq.NewPullConsumer(
		consumer.WithGroupName(group),
		consumer.WithNameServer(nameSrv),
		consumer.WithCredentials(exampleCredentials),
		consumer.WithNamespace(exampleNamespace),
		consumer.WithMaxReconsumeTimes(2),
		consumer.WithInstance(uniqName(t, "pc")),
	)
	if err != nil {
		t.Fatalf("fail to new pullConsumer: %v", err)
	}
	if err := pc.Subscribe(topic, consumer.MessageSelector{Type: consumer.TAG, Expression: tag}); err != nil {
		t.Fatalf("fail to Subscribe: %v", err)
	}
	if err := pc.Start(); err != nil {
		t.Fatalf("fail to Start: %v", err)
	}
	shutdownAfterCluster(t, c, pc)
	return pc
}

// sendTagged sends bodies with tag to the namespaced topic, interleaved
// with messages of another tag the pull consumers must skip.
func sendTagged(t *testing.T, c *cluster, topic, tag string, want []string) {
	t.Helper()
	p := newProducer(t, c, producer.WithNamespace(exampleNamespace), producer.WithCredentials(exampleCredentials))
	for i, b := range want {
		sendSync(t, p, primitive.NewMessage(topic, []byte(b)).WithTag(tag))
		if i%2 == 0 {
			sendSync(t, p, primitive.NewMessage(topic, []byte("other-"+b)).WithTag("other"))
		}
	}
}

// TestExamplePull mirrors consumer/pull/pull: Pull(1) in a loop, then
// UpdateOffset and PersistOffset, on a one-queue topic in namespace "ns"
// with tag "testPull".
func TestExamplePull(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "test-topic")
		createTopic(t, c, exampleNamespace+"%"+topic, 1)
		want := bodies("pull", 5)
		sendTagged(t, c, topic, "testPull", want)
		group := uniqName(t, "testPullGroup")
		writeOnlyRetryTopic(t, c, exampleNamespace+"%"+group)
		pc := newExamplePullConsumer(t, c, group, topic, "testPull")
		got := pullN(t, c, pc, exampleNamespace+"%"+group, len(want), 1)
		for _, m := range got {
			t.Logf("[pull message successfully] %v", m)
		}
		if fmt.Sprint(bodiesOf(got)) != fmt.Sprint(want) {
			t.Errorf("pulled %q, want %q", bodiesOf(got), want)
		}
	})
}

// TestExamplePoll mirrors consumer/pull/poll: Poll and ACK, fed by the
// pull consumer's background loop, which asks for maxMsgNums 0.
func TestExamplePoll(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "test-topic")
		createTopic(t, c, exampleNamespace+"%"+topic, 2)
		want := bodies("poll", 6)
		sendTagged(t, c, topic, "testPull", want)
		pc := newExamplePullConsumer(t, c, uniqName(t, "testPullGroup"), topic, "testPull")
		col := newCollector()
		record := col.handler("m")
		deadline := time.Now().Add(20 * time.Second)
		for len(col.missing(want)) > 0 && time.Now().Before(deadline) {
			cr, err := pc.Poll(context.TODO(), 5*time.Second)
			if consumer.IsNoNewMsgError(err) {
				continue
			}
			if err != nil {
				t.Fatalf("[poll error] err=%v", err)
			}
			t.Logf("msgList: %v, messageQueue: %v", cr.GetMsgList(), cr.GetMQ())
			record(context.Background(), cr.GetMsgList()...)
			pc.ACK(context.TODO(), cr, consumer.ConsumeSuccess)
		}
		col.expectExactly(t, want, 0, 0)
	})
}

// TestExamplePullFrom mirrors consumer/pull/pull_from, keeping offsets in
// memory instead of Redis: the queues come from the admin client's
// FetchPublishMessageQueues, and each is pulled one message at a time
// with PullFrom.
func TestExamplePullFrom(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "test-topic")
		full := exampleNamespace + "%" + topic
		createTopic(t, c, full, 2)
		want := bodies("from", 6)
		sendTagged(t, c, topic, "testPullFrom", want)
		pc := newExamplePullConsumer(t, c, uniqName(t, "testPullFromGroup"), topic, "testPullFrom")
		mqAdmin := newAdmin(t, c, admin.WithCredentials(exampleCredentials), admin.WithNamespace(exampleNamespace))
		queues, err := mqAdmin.FetchPublishMessageQueues(context.Background(), topic)
		if err != nil || len(queues) != 2 {
			t.Fatalf("fetch message queue: %d queues, %v", len(queues), err)
		}
		col := newCollector()
		record := col.handler("m")
		for _, queue := range queues {
			end := maxOffset(t, c, full, queue.QueueId) // a pull at the end is held 20 s
			for offset := int64(0); offset < end; {
				resp, err := pc.PullFrom(context.Background(), queue, offset, 1)
				if err != nil {
					t.Fatalf("[pull error] queue id=%d, offset=%d: %v", queue.QueueId, offset, err)
				}
				switch resp.Status {
				case primitive.PullFound:
					for _, msg := range resp.GetMessageExts() {
						t.Log(msg.GetKeys(), msg.MsgId, string(msg.Body))
					}
					record(context.Background(), resp.GetMessageExts()...)
				case primitive.PullNoMsgMatched:
				default:
					t.Fatalf("[pull] queue id=%d, offset=%d: status %d next %d", queue.QueueId, offset, resp.Status, resp.NextBeginOffset)
				}
				if resp.NextBeginOffset <= offset {
					t.Fatalf("queue %d: next offset %d after %d", queue.QueueId, resp.NextBeginOffset, offset)
				}
				offset = resp.NextBeginOffset
			}
		}
		col.expectExactly(t, want, 0, 0)
	})
}

// TestExampleAdminTopic mirrors admin/topic: list, create on the broker
// address, delete through the route lookup, with the example's
// credentials.
func TestExampleAdminTopic(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "newOne")
		testAdmin := newAdmin(t, c, admin.WithCredentials(primitive.Credentials{AccessKey: "RocketMQ", SecretKey: "12345678"}))
		result, err := testAdmin.FetchAllTopicList(context.Background())
		if err != nil {
			t.Fatalf("FetchAllTopicList error: %v", err)
		}
		t.Log(result.TopicList)
		err = testAdmin.CreateTopic(context.Background(), admin.WithTopicCreate(topic), admin.WithBrokerAddrCreate(c.BrokerAddr))
		if err != nil {
			t.Fatalf("Create topic error: %v", err)
		}
		waitRoute(t, c, topic, 8)
		if !topicListed(t, testAdmin, topic) {
			t.Errorf("%s is not listed after CreateTopic", topic)
		}
		if err := testAdmin.DeleteTopic(context.Background(), admin.WithTopicDelete(topic)); err != nil {
			t.Fatalf("Delete topic error: %v", err)
		}
		if topicListed(t, testAdmin, topic) {
			t.Errorf("%s is still listed after DeleteTopic", topic)
		}
	})
}
