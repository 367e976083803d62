package integration

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"

	mqadmin "github.com/sagashop/sagashop/mq/admin"
)

// retryDelayTable makes every retry (level 3 + reconsumeTimes, clamped
// to level 3) wait one second, and keeps levels 1 and 2 distinguishable
// from it.
const retryDelayTable = "200ms 500ms 1s"

// retryDelay is the delay of level 3 in retryDelayTable.
const retryDelay = time.Second

// attempt is one delivery of a message to a consumer callback.
type attempt struct {
	at  time.Time
	msg *primitive.MessageExt
}

// attempts records every delivery by body and answers with result(body,
// n), n counting the deliveries of the body from 1.
type attempts struct {
	result func(body string, n int) consumer.ConsumeResult

	mu sync.Mutex
	by map[string][]attempt
}

func newAttempts(result func(string, int) consumer.ConsumeResult) *attempts {
	return &attempts{result: result, by: map[string][]attempt{}}
}

func (a *attempts) handler(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
	now := time.Now()
	res := consumer.ConsumeSuccess
	for _, m := range msgs {
		b := string(m.Body)
		a.mu.Lock()
		a.by[b] = append(a.by[b], attempt{at: now, msg: m})
		n := len(a.by[b])
		a.mu.Unlock()
		if a.result(b, n) != consumer.ConsumeSuccess {
			res = consumer.ConsumeRetryLater
		}
	}
	return res, nil
}

func (a *attempts) of(body string) []attempt {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]attempt(nil), a.by[body]...)
}

// waitAttempts waits until every body was delivered at least n times.
func (a *attempts) waitAttempts(t *testing.T, bodies []string, n int, timeout time.Duration) {
	t.Helper()
	if !eventually(timeout, func() bool {
		for _, b := range bodies {
			if len(a.of(b)) < n {
				return false
			}
		}
		return true
	}) {
		var got []string
		for _, b := range bodies {
			got = append(got, fmt.Sprintf("%s:%d", b, len(a.of(b))))
		}
		t.Fatalf("after %v, deliveries %v; want %d of each", timeout, got, n)
	}
}

// checkRetries requires that body was delivered exactly len(want) times
// with ReconsumeTimes want[i], each time as a message of topic with the
// same MsgId, the retries at least retryDelay (and at most 3 s more) after
// the delivery before them and carrying RETRY_TOPIC and ORIGIN_MESSAGE_ID.
func checkRetries(t *testing.T, topic, body string, got []attempt, want []int32) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: delivered %d times, want %d", body, len(got), len(want))
	}
	for i, a := range got[:min(len(got), len(want))] {
		m := a.msg
		if m.ReconsumeTimes != want[i] {
			t.Errorf("%s: delivery %d has ReconsumeTimes %d, want %d", body, i+1, m.ReconsumeTimes, want[i])
		}
		if m.Topic != topic || m.MsgId != got[0].msg.MsgId || string(m.Body) != body {
			t.Errorf("%s: delivery %d is %q of %s with MsgId %s; want the body, topic %s and MsgId %s", body, i+1, m.Body, m.Topic, m.MsgId,
				topic, got[0].msg.MsgId)
		}
		if i == 0 {
			continue
		}
		if gap := a.at.Sub(got[i-1].at); gap < retryDelay || gap > retryDelay+3*time.Second {
			t.Errorf("%s: delivery %d came %v after delivery %d; want the retry delay (level 3 = %v) and at most 3s more",
				body, i+1, gap, i, retryDelay)
		}
		if rt := m.GetProperty(primitive.PropertyRetryTopic); rt != topic {
			t.Errorf("%s: retry %d has RETRY_TOPIC %q, want %s", body, i, rt, topic)
		}
		if m.GetProperty(primitive.PropertyOriginMessageId) == "" {
			t.Errorf("%s: retry %d has no ORIGIN_MESSAGE_ID (properties %v)", body, i, m.GetProperties())
		}
	}
}

// TestRetryReconsumeTimes has a push consumer fail a message twice
// (ConsumeRetryLater) and then succeed: it must get the message three
// times, with ReconsumeTimes 0, 1 and 2, a retry delay of level 3 between
// them, and never again.
func TestRetryReconsumeTimes(t *testing.T) {
	t.Parallel()
	forEachCluster(t, clusterOptions{delayLevels: retryDelayTable, parallel: true}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "retry")
		createTopic(t, c, topic, 2)
		a := newAttempts(func(_ string, n int) consumer.ConsumeResult {
			if n <= 2 {
				return consumer.ConsumeRetryLater
			}
			return consumer.ConsumeSuccess
		})
		startPushConsumer(t, c, uniqName(t, "g"), topic, consumer.MessageSelector{}, a.handler,
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		msgs := bodies("retry", 3)
		sendBodies(t, newProducer(t, c), topic, msgs)
		a.waitAttempts(t, msgs, 3, 15*time.Second)
		time.Sleep(retryDelay + 1500*time.Millisecond) // a fourth delivery would come by now
		for _, b := range msgs {
			checkRetries(t, topic, b, a.of(b), []int32{0, 1, 2})
		}
	})
}

// TestDeadLetterQueue has a consumer with WithMaxReconsumeTimes(2) fail a
// message every time: after three deliveries (ReconsumeTimes 0, 1, 2) it
// must land in %DLQ%<group> with its body, UNIQ_KEY, keys, tag and user
// properties, ReconsumeTimes 3, RETRY_TOPIC naming the original topic and
// ORIGIN_MESSAGE_ID naming the original message (its offset message id,
// §5.5). Redriving it with the admin library's RedriveDLQ (re-sending
// what the DLQ holds to the original topic) makes the group consume it
// once more, as a new message with the same UNIQ_KEY; a second redrive
// sends nothing.
func TestDeadLetterQueue(t *testing.T) {
	t.Parallel()
	forEachCluster(t, clusterOptions{delayLevels: retryDelayTable, parallel: true}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "dlq")
		createTopic(t, c, topic, 2)
		group := uniqName(t, "g")
		var redriven atomic.Bool
		a := newAttempts(func(string, int) consumer.ConsumeResult {
			if redriven.Load() {
				return consumer.ConsumeSuccess
			}
			return consumer.ConsumeRetryLater
		})
		startPushConsumer(t, c, group, topic, consumer.MessageSelector{}, a.handler,
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset), consumer.WithMaxReconsumeTimes(2))
		p := newProducer(t, c)
		msgs := bodies("doomed", 2)
		for _, b := range msgs {
			m := primitive.NewMessage(topic, []byte(b)).WithKeys([]string{"key-" + b}).WithTag("TagD")
			m.WithProperty("shop", "saga")
			sendSync(t, p, m)
		}
		a.waitAttempts(t, msgs, 3, 15*time.Second)

		dlq := "%DLQ%" + group
		var dead []*primitive.MessageExt
		if !eventually(5*time.Second, func() bool { dead = pullAll(t, c, dlq, 0); return len(dead) >= len(msgs) }) {
			t.Fatalf("%s holds %q 5s after the third delivery, want %q", dlq, bodiesOf(dead), msgs)
		}
		time.Sleep(retryDelay + 1500*time.Millisecond) // a fourth delivery would come by now
		if dead = pullAll(t, c, dlq, 0); len(dead) != len(msgs) {
			t.Errorf("%s holds %d messages %q, want %d", dlq, len(dead), bodiesOf(dead), len(msgs))
		}
		byBody := map[string]*primitive.MessageExt{}
		for _, m := range dead {
			byBody[string(m.Body)] = m
		}
		for _, b := range msgs {
			got := a.of(b)
			checkRetries(t, topic, b, got, []int32{0, 1, 2})
			d := byBody[b]
			if d == nil {
				t.Errorf("%s: not in %s", b, dlq)
				continue
			}
			first := got[0].msg
			for k, want := range map[string]string{
				primitive.PropertyUniqueClientMessageIdKeyIndex: first.MsgId,
				primitive.PropertyKeys:                          "key-" + b,
				primitive.PropertyTags:                          "TagD",
				"shop":                                          "saga",
				primitive.PropertyRetryTopic:                    topic,
				primitive.PropertyOriginMessageId:               first.OffsetMsgId,
			} {
				if v := d.GetProperty(k); v != want {
					t.Errorf("%s: the DLQ copy has %s=%q, want %q", b, k, v, want)
				}
			}
			if d.ReconsumeTimes != 3 || d.Topic != dlq {
				t.Errorf("%s: the DLQ copy has topic %s and ReconsumeTimes %d, want %s and 3", b, d.Topic, d.ReconsumeTimes, dlq)
			}
		}

		redriven.Store(true)
		if res := redriveDLQ(t, c, group); res.Redriven != len(msgs) || res.Skipped != 0 {
			t.Errorf("redrive sent %d and skipped %d messages, want %d and 0", res.Redriven, res.Skipped, len(msgs))
		}
		a.waitAttempts(t, msgs, 4, 10*time.Second)
		// Redrive keeps its position: a second run sends nothing again.
		if res := redriveDLQ(t, c, group); len(res.Messages) != 0 {
			t.Errorf("a second redrive handled %d messages, want none", len(res.Messages))
		}
		time.Sleep(time.Second)
		for _, b := range msgs {
			got := a.of(b)
			if len(got) != 4 {
				t.Errorf("%s: delivered %d times in all, want 3 before and 1 after the redrive", b, len(got))
				continue
			}
			m := got[3].msg
			if m.ReconsumeTimes != 0 || m.MsgId != got[0].msg.MsgId || m.Topic != topic || m.GetKeys() != "key-"+b || m.GetTags() != "TagD" {
				t.Errorf("%s: redriven copy delivered from %s with ReconsumeTimes %d MsgId %s keys %q tag %q; want %s, 0, %s, key-%s, TagD",
					b, m.Topic, m.ReconsumeTimes, m.MsgId, m.GetKeys(), m.GetTags(), topic, got[0].msg.MsgId, b)
			}
		}
	})
}

// redriveDLQ sends group's dead-letter messages back to their original
// topics with the admin library, as `mqd admin redriveDLQ` does.
func redriveDLQ(t *testing.T, c *cluster, group string) mqadmin.RedriveResult {
	t.Helper()
	cl, err := mqadmin.New([]string{c.NamesrvAddr})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := cl.RedriveDLQ(ctx, group, mqadmin.RedriveOptions{})
	if err != nil {
		t.Fatalf("redrive %%DLQ%%%s: %v (done before the error: %+v)", group, err, res)
	}
	return res
}
