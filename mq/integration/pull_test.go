package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/admin"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// newPullConsumer starts a pull consumer (its own client instance) of
// group subscribed to topic; it is shut down when the test ends.
func newPullConsumer(t *testing.T, c *cluster, group, topic string, sel consumer.MessageSelector, opts ...consumer.Option) rocketmq.PullConsumer {
	t.Helper()
	base := []consumer.Option{
		consumer.WithNsResolver(primitive.NewPassthroughResolver([]string{c.NamesrvAddr})),
		consumer.WithGroupName(group),
		consumer.WithInstance(uniqName(t, "pc")),
	}
	pc, err := rocketmq.NewPullConsumer(append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewPullConsumer: %v", err)
	}
	if err := pc.Subscribe(topic, sel); err != nil {
		t.Fatalf("pull consumer Subscribe %s: %v", topic, err)
	}
	if err := pc.Start(); err != nil {
		t.Fatalf("pull consumer Start (group %s, topic %s): %v", group, topic, err)
	}
	shutdownAfterCluster(t, c, pc)
	return pc
}

// commitPulled records next as the consumed offset of q and persists it
// until the broker has it. Pull() reads the offset from the broker every
// time; PersistOffset skips queues the consumer's first rebalance has not
// assigned yet, and that rebalance drops offsets set before it, so both
// calls are repeated.
func commitPulled(t *testing.T, c *cluster, pc rocketmq.PullConsumer, group string, q *primitive.MessageQueue, next int64) {
	t.Helper()
	ok := eventually(10*time.Second, func() bool {
		if err := pc.UpdateOffset(q, next); err != nil {
			t.Fatalf("UpdateOffset: %v", err)
		}
		if err := pc.PersistOffset(context.Background(), q.Topic); err != nil {
			t.Fatalf("PersistOffset: %v", err)
		}
		off, found := committedOffset(t, c, group, q.Topic, q.QueueId)
		return found && off == next
	})
	if !ok {
		off, _ := committedOffset(t, c, group, q.Topic, q.QueueId)
		t.Fatalf("after PersistOffset the broker has offset %d for %s, want %d", off, q, next)
	}
}

// writeOnlyRetryTopic creates group's %RETRY% topic without the READ
// permission before the group's pull consumer starts. The v2.1.2 pull
// consumer hands Pull() the queues of its retry topic along with the
// subscribed ones, and a Pull() of that empty queue is held by the broker
// for 20 s (as Java's broker would hold it). A retry topic the route does
// not offer for reading keeps Pull() on the subscribed topic; the broker
// keeps the existing config when the heartbeat would auto-create it.
func writeOnlyRetryTopic(t *testing.T, c *cluster, group string) {
	t.Helper()
	topic := "%RETRY%" + group
	err := newAdmin(t, c).CreateTopic(context.Background(), admin.WithTopicCreate(topic), admin.WithBrokerAddrCreate(c.BrokerAddr),
		admin.WithReadQueueNums(1), admin.WithWriteQueueNums(1), admin.WithPerm(2))
	if err != nil {
		t.Fatalf("CreateTopic %s: %v", topic, err)
	}
	waitRoute(t, c, topic, 1)
}

// pullN calls Pull until n messages came, committing after each result.
// It must not be called for more messages than the queue holds: a Pull at
// the end of a queue is held by the broker for up to 20 s.
func pullN(t *testing.T, c *cluster, pc rocketmq.PullConsumer, group string, n, batch int) []*primitive.MessageExt {
	t.Helper()
	var got []*primitive.MessageExt
	for len(got) < n {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		res, err := pc.Pull(ctx, batch)
		cancel()
		if err != nil {
			t.Fatalf("Pull: %v", err)
		}
		if res.Status != primitive.PullFound {
			t.Fatalf("Pull after %d of %d messages: status %d, next %d, max %d", len(got), n, res.Status, res.NextBeginOffset, res.MaxOffset)
		}
		msgs := res.GetMessageExts()
		if len(msgs) == 0 || len(msgs) > batch {
			t.Fatalf("Pull(%d) found %d messages", batch, len(msgs))
		}
		got = append(got, msgs...)
		commitPulled(t, c, pc, group, msgs[0].Queue, res.NextBeginOffset)
	}
	return got
}

func bodiesOf(msgs []*primitive.MessageExt) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = string(m.Body)
	}
	return out
}

// TestPullConsumer drives the pull consumer's Pull (offsets kept by the
// broker between calls) and PullFrom (offsets kept by the caller).
func TestPullConsumer(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		p := newProducer(t, c)

		// Pull on a one-queue topic: the messages in order, then only
		// the ones after the committed offset.
		one := uniqName(t, "pull1")
		createTopic(t, c, one, 1)
		first := bodies("first", 10)
		sendBodies(t, p, one, first)
		group := uniqName(t, "g")
		writeOnlyRetryTopic(t, c, group)
		pc := newPullConsumer(t, c, group, one, consumer.MessageSelector{}, consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		got := pullN(t, c, pc, group, len(first), 4)
		if fmt.Sprint(bodiesOf(got)) != fmt.Sprint(first) {
			t.Fatalf("Pull returned %q, want %q", bodiesOf(got), first)
		}
		for i, m := range got {
			if m.QueueOffset != int64(i) {
				t.Errorf("message %d has queue offset %d", i, m.QueueOffset)
			}
		}
		second := bodies("second", 5)
		sendBodies(t, p, one, second)
		got = pullN(t, c, pc, group, len(second), 32)
		if fmt.Sprint(bodiesOf(got)) != fmt.Sprint(second) {
			t.Fatalf("Pull after the committed offset returned %q, want %q", bodiesOf(got), second)
		}

		// PullFrom over every queue of a four-queue topic.
		multi := uniqName(t, "pull4")
		createTopic(t, c, multi, 4)
		want := map[int][]string{}
		brokerName := ""
		for _, b := range bodies("m", 20) {
			res := sendSync(t, p, primitive.NewMessage(multi, []byte(b)))
			want[res.MessageQueue.QueueId] = append(want[res.MessageQueue.QueueId], b)
			brokerName = res.MessageQueue.BrokerName
		}
		pc2 := newPullConsumer(t, c, uniqName(t, "g"), multi, consumer.MessageSelector{})
		for q := 0; q < 4; q++ {
			mq := &primitive.MessageQueue{Topic: multi, BrokerName: brokerName, QueueId: q}
			end := int64(len(want[q]))
			var gotQ []string
			for off := int64(0); off < end; {
				res, err := pc2.PullFrom(context.Background(), mq, off, 3)
				if err != nil {
					t.Fatalf("PullFrom queue %d offset %d: %v", q, off, err)
				}
				if res.Status != primitive.PullFound || res.NextBeginOffset <= off || res.MaxOffset != end {
					t.Fatalf("PullFrom queue %d offset %d: status %d next %d max %d, want found, max %d",
						q, off, res.Status, res.NextBeginOffset, res.MaxOffset, end)
				}
				gotQ = append(gotQ, bodiesOf(res.GetMessageExts())...)
				off = res.NextBeginOffset
			}
			if fmt.Sprint(gotQ) != fmt.Sprint(want[q]) {
				t.Errorf("PullFrom queue %d returned %q, want %q", q, gotQ, want[q])
			}
			res, err := pc2.PullFrom(context.Background(), mq, end+5, 1)
			if err != nil || res.Status != primitive.PullOffsetIllegal || res.NextBeginOffset != end {
				t.Errorf("PullFrom queue %d past its end: %+v, %v; want OffsetIllegal with next %d", q, res, err, end)
			}
		}
	})
}

// TestConsumeFromWhere starts push consumers of new groups after a first
// batch of messages. CONSUME_FROM_FIRST_OFFSET gets everything;
// CONSUME_FROM_LAST_OFFSET only what is sent after it started, and
// CONSUME_FROM_TIMESTAMP only what was stored at or after its timestamp —
// when the broker's "young queue starts at 0" rule is off
// (InMemoryWindow -1; mqd's -in-memory-window -1). With the rule on, a new
// group starts at offset 0 of a young queue whatever it asks for, as
// Java's broker does.
func TestConsumeFromWhere(t *testing.T) {
	forEachCluster(t, clusterOptions{inMemoryWindow: -1}, func(t *testing.T, c *cluster) {
		p := newProducer(t, c)
		setup := func(t *testing.T) (string, []string) {
			topic := uniqName(t, "from")
			createTopic(t, c, topic, 4)
			old := bodies("old", 20)
			sendBodies(t, p, topic, old)
			return topic, old
		}
		expectFrom := func(t *testing.T, col *collector, old, fresh []string) {
			t.Helper()
			if c.inMemoryRuleOff() {
				col.expectExactly(t, fresh, 15*time.Second, time.Second)
				return
			}
			t.Log("the young-queue rule is on: the group starts at offset 0")
			col.expectExactly(t, append(append([]string{}, old...), fresh...), 15*time.Second, time.Second)
		}

		t.Run("first", func(t *testing.T) {
			topic, old := setup(t)
			col := newCollector()
			startPushConsumer(t, c, uniqName(t, "g"), topic, consumer.MessageSelector{}, col.handler("m"),
				consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
			fresh := bodies("new", 10)
			sendBodies(t, p, topic, fresh)
			col.expectExactly(t, append(append([]string{}, old...), fresh...), 15*time.Second, time.Second)
		})

		t.Run("last", func(t *testing.T) {
			topic, old := setup(t)
			col := newCollector()
			group := uniqName(t, "g")
			startPushConsumer(t, c, group, topic, consumer.MessageSelector{}, col.handler("m"),
				consumer.WithConsumeFromWhere(consumer.ConsumeFromLastOffset))
			waitConsumers(t, c, group, 1)
			time.Sleep(2 * time.Second) // the first rebalance asks for the max offsets
			fresh := bodies("new", 10)
			sendBodies(t, p, topic, fresh)
			expectFrom(t, col, old, fresh)
		})

		t.Run("timestamp", func(t *testing.T) {
			topic, old := setup(t)
			// The option has a resolution of one second: take the next
			// second after the first batch and send the second batch
			// after it.
			ts := time.Now().Truncate(time.Second).Add(time.Second)
			time.Sleep(time.Until(ts.Add(200 * time.Millisecond)))
			fresh := bodies("new", 10)
			sendBodies(t, p, topic, fresh)
			col := newCollector()
			startPushConsumer(t, c, uniqName(t, "g"), topic, consumer.MessageSelector{}, col.handler("m"),
				consumer.WithConsumeFromWhere(consumer.ConsumeFromTimestamp),
				consumer.WithConsumeTimestamp(ts.UTC().Format("20060102150405")))
			expectFrom(t, col, old, fresh)
		})
	})
}

// shutdownAfterCluster shuts pc down at cleanup, after stopping the
// cluster. The client's pull consumer (v2.1.2) closes its message channel
// on Shutdown while a background pull may still be answered and send to
// it, which panics the process; once the cluster is stopped no pull can
// be answered. The cluster's own cleanup then finds it stopped.
func shutdownAfterCluster(t *testing.T, c *cluster, pc rocketmq.PullConsumer) {
	t.Cleanup(func() {
		c.stop(t)
		time.Sleep(100 * time.Millisecond)
		_ = pc.Shutdown()
	})
}
