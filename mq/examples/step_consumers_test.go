package examples

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The consumer examples of TopicTest and min, one at a time because they
// share group testGroup (rocketmq-protocol.md §6). Each is fed by the
// harness's feeder once the broker lists it, and judged by what it prints
// about the fed messages, which carry this run's marker in their bodies.

// startConsumer starts consumer example ex and waits until the broker
// lists it in group. It returns nil if that fails (already reported).
func (h *harness) startConsumer(ex, group string) *proc {
	c := h.start(ex)
	if c == nil || !h.waitOnline(ex, group, c) {
		return nil
	}
	return c
}

// expectPrinted waits up to d until consumer c of example ex has printed
// every body in want, and fails ex for those it has not.
func (h *harness) expectPrinted(ex string, c *proc, want []string, d time.Duration) map[string]printed {
	seen := waitPrinted(c, d, want, byBody)
	if miss := missing(want, seen); len(miss) > 0 {
		h.fail(ex, c, "printed %d of the %d fed messages within %.0f s; missing %v", len(seen), len(want), d.Seconds(), miss)
	}
	return seen
}

// simpleConsumerStep is a step that feeds n messages to topic and expects
// consumer example ex to print all of them.
func (h *harness) simpleConsumerStep(ex, topic string, n int) (*proc, []fed) {
	c := h.startConsumer(ex, testGroup)
	if c == nil {
		return nil, nil
	}
	sent := h.feedTo(ex, topic, n, h.marker(strings.ReplaceAll(ex, "/", "_")))
	h.expectPrinted(ex, c, bodies(sent), 20*time.Second)
	return c, sent
}

func stepConsumerTag(h *harness) {
	const ex = "consumer/tag"
	c := h.startConsumer(ex, testGroup)
	if c == nil {
		return
	}
	defer h.stopConsumer(ex, testGroup, c)
	sent := h.feedTo(ex, "TopicTest", 9, h.marker("tag"), "-tags", "TagA,TagB,TagC")
	var want []string
	excluded := map[string]bool{}
	for _, f := range sent {
		if f.tag == "TagB" {
			excluded[f.body] = true
		} else {
			want = append(want, f.body)
		}
	}
	h.expectPrinted(ex, c, want, 20*time.Second)
	time.Sleep(2 * time.Second) // room for a TagB message to show up wrongly
	for _, m := range allPrinted(c) {
		if excluded[m.body] {
			h.fail(ex, c, "printed %s (TAGS %s), which \"TagA || TagC\" excludes", m.body, m.tags)
			break
		}
	}
}

var delayLineRe = regexp.MustCompile(`Receive message\[msgId=(\w+)\] (-?\d+) ms later`)

func stepConsumerDelay(h *harness) {
	const ex = "consumer/delay"
	c := h.startConsumer(ex, testGroup)
	if c == nil {
		return
	}
	defer h.stopConsumer(ex, testGroup, c)
	sent := h.feedTo(ex, "TopicTest", 3, h.marker("delay"), "-delay", "3")
	latency := map[string]int{}
	want := map[string]bool{}
	for _, f := range sent {
		want[f.msgID] = true
	}
	c.scan(35*time.Second, func(l line) bool {
		for _, m := range delayLineRe.FindAllStringSubmatch(l.text, -1) {
			if _, dup := latency[m[1]]; want[m[1]] && !dup {
				latency[m[1]], _ = strconv.Atoi(m[2])
			}
		}
		return len(latency) == len(want)
	})
	for _, f := range sent {
		ms, ok := latency[f.msgID]
		switch {
		case !ok:
			h.fail(ex, c, "never printed \"Receive message[msgId=%s] ...\" for a message fed with delay level 3 (10 s)", f.msgID)
		case ms < 9500 || ms > 25000:
			h.fail(ex, c, "printed a latency of %d ms for %s, want 9500-25000 (delay level 3 = 10 s)", ms, f.msgID)
		}
	}
}

// reconsumed scans c for the message with body and returns when it was
// first printed at each ReconsumeTimes, until the example prints "msg
// ReconsumeTimes > 5" for it or d passes.
func reconsumed(c *proc, body string, d time.Duration) (times map[int]time.Time, gaveUp bool) {
	times = map[int]time.Time{}
	gaveUp = c.scan(d, func(l line) bool {
		for _, m := range parseMsgs(l) {
			if _, dup := times[m.reconsume]; m.body == body && !dup {
				times[m.reconsume] = l.at
			}
		}
		return strings.Contains(l.text, "msg ReconsumeTimes > 5") && strings.Contains(l.text, "body="+body+",")
	})
	return times, gaveUp
}

// stepRetryConcurrent: the example answers RetryLater with delay level 1
// until ReconsumeTimes > 5, so the broker must take the message back (36),
// redeliver it through %RETRY%testGroup after 1 s, and count the retries.
func stepRetryConcurrent(h *harness) {
	const ex = "consumer/retry/concurrent"
	c := h.startConsumer(ex, testGroup)
	if c == nil {
		return
	}
	defer h.stopConsumer(ex, testGroup, c)
	sent := h.feedTo(ex, "TopicTest", 1, h.marker("retry"))
	if len(sent) != 1 {
		return
	}
	times, done := reconsumed(c, sent[0].body, 60*time.Second)
	if !done {
		h.fail(ex, c, "never printed \"msg ReconsumeTimes > 5\" for %s within 60 s; it was consumed at ReconsumeTimes %v",
			sent[0].body, keys(times))
		return
	}
	for n := 1; n <= 5; n++ {
		prev, ok1 := times[n-1]
		cur, ok2 := times[n]
		if !ok1 || !ok2 {
			h.fail(ex, c, "%s was not consumed at ReconsumeTimes %d and %d (saw %v)", sent[0].body, n-1, n, keys(times))
			return
		}
		if gap := cur.Sub(prev); gap < 800*time.Millisecond {
			h.fail(ex, c, "retry %d of %s came %.0f ms after the previous one; delay level 1 asks for 1 s", n, sent[0].body, float64(gap.Milliseconds()))
		}
	}
}

// stepOrderly checks FIFO order per queue. It runs before
// consumer/retry/order, which also locks TopicTest's queues for testGroup,
// with other steps between them: a killed orderly consumer keeps its locks
// until they expire (60 s, as in Java).
func stepOrderly(h *harness) {
	const ex = "consumer/orderly"
	h.waitLockExpiry()
	c := h.startConsumer(ex, testGroup)
	if c == nil {
		return
	}
	defer func() {
		h.stopConsumer(ex, testGroup, c)
		h.orderlyStopped = time.Now()
	}()
	sent := h.feedTo(ex, "TopicTest", 24, h.marker("orderly"))
	seen := h.expectPrinted(ex, c, bodies(sent), 30*time.Second)
	index := map[string]int{}
	queueOf := map[string]int{}
	for i, f := range sent {
		index[f.body], queueOf[f.body] = i, f.queue
	}
	last := map[int]int{} // queue → index of the last message printed from it
	first := map[string]bool{}
	for _, m := range allPrinted(c) {
		i, ours := index[m.body]
		if !ours || first[m.body] {
			continue
		}
		first[m.body] = true
		if m.queue != queueOf[m.body] {
			h.fail(ex, c, "%s printed with QueueId=%d, but it was stored in queue %d", m.body, m.queue, queueOf[m.body])
		}
		if prev, ok := last[m.queue]; ok && prev > i {
			h.fail(ex, c, "queue %d: %s printed after %s, which was sent later", m.queue, m.body, sent[prev].body)
		}
		last[m.queue] = i
	}
	if len(seen) > 0 && firstLine(c, "orderly context:") == "" {
		h.fail(ex, c, "never printed \"orderly context:\"")
	}
}

// waitLockExpiry waits until the queue locks of the last killed orderly
// testGroup consumer have expired.
func (h *harness) waitLockExpiry() {
	if h.orderlyStopped.IsZero() {
		return
	}
	if d := 61*time.Second - time.Since(h.orderlyStopped); d > 0 {
		h.sleep(d, "a killed orderly consumer's queue locks expire 60 s after their last renewal")
	}
}

// stepBroadcast runs two instances at once: in BROADCASTING mode each
// must get every message.
func stepBroadcast(h *harness) {
	const ex = "consumer/broadcast"
	var cs []*proc
	for i := 0; i < 2; i++ {
		c := h.startConsumer(ex, testGroup)
		if c == nil {
			return
		}
		cs = append(cs, c)
	}
	defer func() {
		for _, c := range cs {
			h.stopConsumer(ex, testGroup, c)
		}
	}()
	sent := h.feedTo(ex, "min", 6, h.marker("broadcast"))
	for _, c := range cs {
		h.expectPrinted(ex, c, bodies(sent), 20*time.Second)
	}
}

func stepStrategy(h *harness) {
	const ex = "consumer/strategy"
	c, _ := h.simpleConsumerStep(ex, "TopicTest", 8)
	h.stopConsumer(ex, testGroup, c)
}

func stepConsumerInterceptor(h *harness) {
	const ex = "consumer/interceptor"
	c, sent := h.simpleConsumerStep(ex, "TopicTest", 4)
	if c == nil {
		return
	}
	defer h.stopConsumer(ex, testGroup, c)
	for _, f := range sent {
		for _, s := range []string{"user first interceptor before invoke", "user second interceptor before invoke",
			"user second interceptor after invoke", "user first interceptor after invoke"} {
			found := false
			for _, l := range c.lines() {
				if strings.Contains(l.text, s) && strings.Contains(l.text, "body="+f.body+",") {
					found = true
					break
				}
			}
			if !found {
				h.fail(ex, c, "no %q line for %s", s, f.body)
			}
		}
	}
}

func stepConsumerTrace(h *harness) {
	const ex = "consumer/trace"
	c, sent := h.simpleConsumerStep(ex, "TopicTest", 4)
	if c == nil {
		return
	}
	defer h.stopConsumer(ex, testGroup, c)
	var ids []string
	for _, f := range sent {
		ids = append(ids, f.msgID)
	}
	for _, typ := range []string{"SubBefore", "SubAfter"} {
		if left := h.traceRecords(typ, ids, 20*time.Second); len(left) > 0 {
			h.fail(ex, c, "RMQ_SYS_TRACE_TOPIC holds no %s trace record naming msgIds %v", typ, left)
		}
	}
}

// keys lists the keys of m in ascending order.
func keys(m map[int]time.Time) []int { return slices.Sorted(maps.Keys(m)) }
