package integration

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"

	"github.com/sagashop/sagashop/mq/remoting"
)

// scheduleTopic holds parked delayed messages, queue level-1.
const scheduleTopic = "SCHEDULE_TOPIC_XXXX"

// testDelays is the delay table of the delay tests, level 1 first.
var testDelays = []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}

const testDelayTable = "1s 2s 3s"

// arrivals records when each body reached a consumer callback.
type arrivals struct {
	mu  sync.Mutex
	at  map[string][]time.Time
	msg map[string]*primitive.MessageExt
}

func newArrivals() *arrivals {
	return &arrivals{at: map[string][]time.Time{}, msg: map[string]*primitive.MessageExt{}}
}

func (a *arrivals) handler(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, m := range msgs {
		b := string(m.Body)
		a.at[b] = append(a.at[b], now)
		if a.msg[b] == nil {
			a.msg[b] = m
		}
	}
	return consumer.ConsumeSuccess, nil
}

func (a *arrivals) get(body string) ([]time.Time, *primitive.MessageExt) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]time.Time(nil), a.at[body]...), a.msg[body]
}

// parked reads the parked copy of a delayed message from the schedule
// topic, at the queue offset its send reply announced.
func parked(t *testing.T, c *cluster, level int, offset int64) *primitive.MessageExt {
	t.Helper()
	r := rawPull(t, c, uniqName(t, "reader"), scheduleTopic, level-1, offset, 1, "*")
	if r.code != remoting.Success || len(r.msgs) != 1 {
		t.Fatalf("no parked message in %s queue %d at offset %d: %s %q", scheduleTopic, level-1, offset, r.code, r.remark)
	}
	return r.msgs[0]
}

// TestDelayLevels sends messages with every delay level of the table
// "1s 2s 3s" and with levels 4 and 18, which must be clamped to level 3.
// Each is parked in SCHEDULE_TOPIC_XXXX queue level-1 with REAL_TOPIC,
// REAL_QID and its (clamped) DELAY, and delivered once, to its own topic
// and queue, without DELAY: never before its delay has passed (measured
// on the broker from the parked copy's store time to the delivered copy's
// store time, and in the client from the born time to the arrival) and
// no later than one second after it is due.
func TestDelayLevels(t *testing.T) {
	forEachCluster(t, clusterOptions{delayLevels: testDelayTable}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "delay")
		createTopic(t, c, topic, 4)
		arr := newArrivals()
		startPushConsumer(t, c, uniqName(t, "g"), topic, consumer.MessageSelector{}, arr.handler,
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		p := newProducer(t, c)

		type sent struct {
			body          string
			asked, level  int // the DELAY sent and the level it must get
			queue         int
			uniq          string
			parkedStoreMs int64
		}
		var all []sent
		var want []string
		for _, asked := range []int{1, 2, 3, 4, 18} {
			for i := 0; i < 2; i++ {
				b := fmt.Sprintf("delay%d-%d", asked, i)
				res := sendSync(t, p, primitive.NewMessage(topic, []byte(b)).WithDelayTimeLevel(asked))
				all = append(all, sent{body: b, asked: asked, level: min(asked, len(testDelays)),
					queue: res.MessageQueue.QueueId, uniq: res.MsgID})
				want = append(want, b)
				s := &all[len(all)-1]
				pm := parked(t, c, s.level, res.QueueOffset)
				if string(pm.Body) != b || pm.GetProperty(primitive.PropertyRealTopic) != topic ||
					pm.GetProperty(primitive.PropertyRealQueueId) != strconv.Itoa(s.queue) ||
					pm.GetProperty(primitive.PropertyDelayTimeLevel) != strconv.Itoa(s.level) {
					t.Errorf("%s: parked copy body %q REAL_TOPIC %q REAL_QID %q DELAY %q; want %s, %s, %d, %d", b, pm.Body,
						pm.GetProperty(primitive.PropertyRealTopic), pm.GetProperty(primitive.PropertyRealQueueId),
						pm.GetProperty(primitive.PropertyDelayTimeLevel), b, topic, s.queue, s.level)
				}
				s.parkedStoreMs = pm.StoreTimestamp
			}
		}
		deadline := time.Now().Add(testDelays[len(testDelays)-1] + 5*time.Second)
		for _, s := range all {
			delay := testDelays[s.level-1]
			var at []time.Time
			var m *primitive.MessageExt
			for {
				at, m = arr.get(s.body)
				if len(at) > 0 || time.Now().After(deadline) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			if len(at) == 0 {
				t.Errorf("%s (DELAY %d): never delivered", s.body, s.asked)
				continue
			}
			due := time.UnixMilli(s.parkedStoreMs).Add(delay)
			late := at[0].Sub(due)
			t.Logf("%s (DELAY %d, level %d = %v): arrived %v after it was due (%v after it was born)", s.body, s.asked, s.level, delay,
				late.Round(time.Millisecond), at[0].Sub(time.UnixMilli(m.BornTimestamp)).Round(time.Millisecond))
			if stored := time.UnixMilli(m.StoreTimestamp); stored.Before(due) {
				t.Errorf("%s: delivered copy stored %v before it was due (parked at %d, delay %v)", s.body, due.Sub(stored), s.parkedStoreMs, delay)
			}
			if born := time.UnixMilli(m.BornTimestamp); at[0].Before(born.Add(delay)) {
				t.Errorf("%s: arrived %v after it was born, before its delay %v", s.body, at[0].Sub(born), delay)
			}
			if late > time.Second {
				t.Errorf("%s: arrived %v after it was due, want at most 1s", s.body, late)
			}
			if m.Topic != topic || m.Queue.QueueId != s.queue || m.MsgId != s.uniq || m.GetProperty(primitive.PropertyDelayTimeLevel) != "" {
				t.Errorf("%s: delivered to %s queue %d with MsgId %q DELAY %q; want %s queue %d, MsgId %s and no DELAY",
					s.body, m.Topic, m.Queue.QueueId, m.MsgId, m.GetProperty(primitive.PropertyDelayTimeLevel), topic, s.queue, s.uniq)
			}
		}
		time.Sleep(time.Second)
		for _, s := range all {
			if at, _ := arr.get(s.body); len(at) > 1 {
				t.Errorf("%s: delivered %d times", s.body, len(at))
			}
		}
		if n := totalStored(t, c, topic, 4); n != int64(len(want)) {
			t.Errorf("%s holds %d messages after delivery, want %d", topic, n, len(want))
		}
	})
}

// totalStored is the number of messages in a topic's queues.
func totalStored(t *testing.T, c *cluster, topic string, queues int) int64 {
	t.Helper()
	var n int64
	for q := 0; q < queues; q++ {
		n += maxOffset(t, c, topic, q)
	}
	return n
}

// TestDelayRestart parks 1,000 delayed messages (levels 1 to 3 of the
// table "5s 6s 7s", so that all are still pending), restarts the broker
// gracefully on the same store, restarts it again when about a third of
// them was delivered, and requires each to be delivered exactly once,
// with the UNIQ_KEY it was sent with. A third restart after the delivery
// must not deliver any of them again: the schedule's progress was
// persisted.
func TestDelayRestart(t *testing.T) {
	t.Parallel()
	forEachCluster(t, clusterOptions{delayLevels: "5s 6s 7s", parallel: true}, func(t *testing.T, c *cluster) {
		const (
			total   = 1000
			senders = 8
			queues  = 4
		)
		topic := uniqName(t, "delayrestart")
		createTopic(t, c, topic, queues)
		want := bodies("pending", total)
		uniq := make([]string, total)
		var wg sync.WaitGroup
		errs := make(chan error, senders)
		start := time.Now()
		for s := 0; s < senders; s++ {
			p := newProducer(t, c)
			wg.Add(1)
			go func(s int) {
				defer wg.Done()
				for i := s; i < total; i += senders {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					res, err := p.SendSync(ctx, primitive.NewMessage(topic, []byte(want[i])).WithDelayTimeLevel(1+i%3))
					cancel()
					if err == nil && res.Status != primitive.SendOK {
						err = fmt.Errorf("status %d", res.Status)
					}
					if err != nil {
						errs <- fmt.Errorf("%s: %w", want[i], err)
						return
					}
					uniq[i] = res.MsgID
				}
			}(s)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("send: %v", err)
		}
		sent := time.Since(start)
		if n := totalStored(t, c, topic, queues); n != 0 {
			t.Fatalf("%d of the delayed messages were delivered before the restart (sending took %v); the test needs all pending", n, sent)
		}
		var parkedTotal int64
		for q := 0; q < 3; q++ {
			parkedTotal += maxOffset(t, c, scheduleTopic, q)
		}
		if parkedTotal != total {
			t.Errorf("the schedule topic holds %d messages, want %d", parkedTotal, total)
		}
		c.restart(t)
		t.Logf("sent %d delayed messages in %v; the broker restarted %v after the first send",
			total, sent.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

		// Restart again once level 1 (5s) is due but levels 2 and 3 are not.
		time.Sleep(time.Until(start.Add(5500 * time.Millisecond)))
		delivered := totalStored(t, c, topic, queues)
		c.restart(t)
		t.Logf("restarted again with %d of %d delivered", delivered, total)

		col := newCollector()
		startPushConsumer(t, c, uniqName(t, "g"), topic, consumer.MessageSelector{}, col.handler("m"),
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		col.expectExactly(t, want, time.Until(start.Add(7*time.Second+15*time.Second)), time.Second)
		for i, b := range want {
			if m := col.msg(b); m != nil && m.MsgId != uniq[i] {
				t.Errorf("%s: delivered with MsgId %q, sent with UNIQ_KEY %q", b, m.MsgId, uniq[i])
			}
		}
		if n := totalStored(t, c, topic, queues); n != total {
			t.Errorf("%s holds %d messages after the delivery, want %d", topic, n, total)
		}

		c.restart(t)
		time.Sleep(1500 * time.Millisecond)
		if n := totalStored(t, c, topic, queues); n != total {
			t.Errorf("%s holds %d messages after another restart, want %d: delayed messages were delivered again", topic, n, total)
		}
	})
}
