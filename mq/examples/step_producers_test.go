package examples

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// stepTestTopic runs the producers that send to "test" while
// consumer/simple (group testGroup, topic "test") runs, and checks that it
// receives what each one sent. This keeps §6's order (simple producer,
// simple consumer; tag; batch; async; delay) and fits in interceptor and
// trace, which also send to "test". producer/trace runs beside
// producer/delay because both spend 10 s waiting.
func stepTestTopic(h *harness) {
	p, exited := h.run("producer/simple", 30*time.Second)
	if p == nil {
		return
	}
	rs := h.checkProducer("producer/simple", p, exited, 10)

	c := h.startConsumer("consumer/simple", testGroup)
	if c == nil {
		return
	}
	defer h.stopConsumer("consumer/simple", testGroup, c)
	var want []string
	for _, r := range rs {
		want = append(want, deliveryKey(r, 0))
	}
	seen := waitPrinted(c, 20*time.Second, want, byMsgID)
	if miss := missing(want, seen); len(miss) > 0 {
		h.fail("consumer/simple", c, "printed %d of the %d messages producer/simple sent; missing msgIds %v", len(seen), len(want), miss)
	}
	for i, r := range rs {
		want := fmt.Sprintf("Hello RocketMQ Go Client! %d", i)
		if m, ok := seen[deliveryKey(r, 0)]; ok && m.body != want {
			h.fail("consumer/simple", c, "message %s has body %q, want %q", deliveryKey(r, 0), m.body, want)
		}
	}

	if p, exited := h.run("producer/tag", 30*time.Second); p != nil {
		rs := h.checkProducer("producer/tag", p, exited, 3)
		seen := h.checkDelivered("producer/tag", c, rs, 20*time.Second)
		for i, r := range rs {
			want := []string{"TagA", "TagB", "TagC"}[i%3]
			if m, ok := seen[deliveryKey(r, 0)]; ok && m.tags != want {
				h.fail("producer/tag", c, "consumer/simple got message %s with TAGS %q, want %q", deliveryKey(r, 0), m.tags, want)
			}
		}
	}

	if p, exited := h.run("producer/batch", 30*time.Second); p != nil {
		rs := h.checkProducer("producer/batch", p, exited, 1)
		if len(rs) == 1 && len(rs[0].offsetIDs) != 10 {
			h.fail("producer/batch", p, "the batch's SendResult names %d offsetMsgIds, want 10", len(rs[0].offsetIDs))
		}
		seen := h.checkDelivered("producer/batch", c, rs, 20*time.Second)
		var got []string
		for _, m := range seen {
			got = append(got, m.body)
		}
		sort.Strings(got)
		var wantBodies []string
		for i := 0; i < 10; i++ {
			wantBodies = append(wantBodies, fmt.Sprintf("Hello RocketMQ Go Client! num: %d", i))
		}
		if len(seen) == 10 && strings.Join(got, "|") != strings.Join(wantBodies, "|") {
			h.fail("producer/batch", c, "consumer/simple got bodies %q, want %q", got, wantBodies)
		}
	}

	if p, exited := h.run("producer/async", 30*time.Second); p != nil {
		rs := h.checkProducer("producer/async", p, exited, 10)
		if l := firstLine(p, "receive message error"); l != "" {
			h.fail("producer/async", p, "a callback reported an error: %s", l)
		}
		h.checkDelivered("producer/async", c, rs, 20*time.Second)
	}

	if p, exited := h.run("producer/interceptor", 30*time.Second); p != nil {
		rs := h.checkProducer("producer/interceptor", p, exited, 10)
		for _, s := range []string{"user first interceptor before invoke", "user second interceptor before invoke",
			"user second interceptor after invoke", "user first interceptor after invoke"} {
			if n := countLines(p, s); n != 10 {
				h.fail("producer/interceptor", p, "printed %q %d times, want 10", s, n)
			}
		}
		h.checkDelivered("producer/interceptor", c, rs, 20*time.Second)
	}

	trace := h.start("producer/trace") // sends one message, sleeps 10 s, exits

	if p, exited := h.run("producer/delay", 30*time.Second); p != nil {
		rs := h.checkProducer("producer/delay", p, exited, 10)
		seen := h.checkDelivered("producer/delay", c, rs, 35*time.Second)
		for _, r := range rs {
			m, ok := seen[deliveryKey(r, 0)]
			if !ok {
				continue
			}
			if lat := m.at.Sub(r.at); lat < 9500*time.Millisecond || lat > 25*time.Second {
				h.fail("producer/delay", c, "message %s (delay level 3 = 10 s) was consumed %.1f s after it was sent, want 9.5-25 s",
					deliveryKey(r, 0), lat.Seconds())
			}
		}
	}

	if trace != nil {
		exited := trace.waitExit(max(30*time.Second-time.Since(trace.started), 5*time.Second))
		rs := h.checkProducer("producer/trace", trace, exited, 1)
		h.checkDelivered("producer/trace", c, rs, 20*time.Second)
		if len(rs) == 1 && len(rs[0].msgIDs) == 1 {
			if left := h.traceRecords("Pub", rs[0].msgIDs, 15*time.Second); len(left) > 0 {
				h.fail("producer/trace", trace, "RMQ_SYS_TRACE_TOPIC holds no Pub trace record naming msgId %s", left[0])
			}
		}
	}
}

// checkProducer checks what a producer example that has run printed:
// exit status 0 when it should have exited, want successful sends with
// sendStatus=0 (SEND_OK), and no send errors. It returns the sends.
func (h *harness) checkProducer(ex string, p *proc, exited bool, want int) []sendResult {
	switch {
	case !exited:
		h.fail(ex, p, "did not exit by itself within %.0f s", time.Since(p.started).Seconds())
	case p.waitErr != nil:
		h.fail(ex, p, "exited with %s", p.exitStatus())
	}
	rs := sendResults(p.lines())
	if len(rs) != want {
		h.fail(ex, p, "printed %d \"send message success\" lines, want %d", len(rs), want)
	}
	for _, r := range rs {
		if r.status != 0 {
			h.fail(ex, p, "sendStatus=%d, want 0 (SEND_OK): %s", r.status, r.text)
			break
		}
		if len(r.offsetIDs) == 0 {
			h.fail(ex, p, "a SendResult has no offsetMsgId: %s", r.text)
			break
		}
	}
	for _, bad := range []string{"send message error", "start producer error", "shutdown producer error"} {
		if l := firstLine(p, bad); l != "" {
			h.fail(ex, p, "printed %q", l)
		}
	}
	return rs
}

// checkDelivered waits up to d until consumer c (consumer/simple) has
// printed every message of rs, and blames example ex if it does not. The
// returned map is keyed by deliveryKey.
func (h *harness) checkDelivered(ex string, c *proc, rs []sendResult, d time.Duration) map[string]printed {
	var want []string
	for _, r := range rs {
		for i := range r.offsetIDs {
			want = append(want, deliveryKey(r, i))
		}
	}
	seen := waitPrinted(c, d, want, byMsgID, byOffsetID)
	if miss := missing(want, seen); len(miss) > 0 {
		h.fail(ex, c, "consumer/simple printed %d of the %d messages it sent within %.0f s; missing %v",
			len(seen), len(want), d.Seconds(), miss)
	}
	return seen
}

// deliveryKey names r's i-th message as consumers print it: by msgId
// (UNIQ_KEY), which survives a delayed message's trip through
// SCHEDULE_TOPIC_XXXX (it is stored again, at a new offset, as in Java),
// or by offsetMsgId for a batch, whose SendResult has no msgIds (the
// client reads them from the batch wrapper, which has none).
func deliveryKey(r sendResult, i int) string {
	switch {
	case i >= len(r.offsetIDs):
		return ""
	case len(r.msgIDs) == len(r.offsetIDs):
		return r.msgIDs[i]
	default:
		return r.offsetIDs[i]
	}
}
