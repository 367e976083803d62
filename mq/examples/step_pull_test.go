package examples

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// stepRetryOrder: the orderly example answers SuspendCurrentQueueAMoment
// every time, so the client re-consumes the message locally until its
// ReconsumeTimes passes WithMaxReconsumeTimes(5), then sends it back with
// delay level -1 to the broker that stored it, which puts it in
// %DLQ%testGroup. It runs after enough other steps that consumer/orderly's
// queue locks have expired.
func stepRetryOrder(h *harness) {
	const ex = "consumer/retry/order"
	h.waitLockExpiry()
	dlqBefore, err := h.topicMessages("%DLQ%testGroup")
	if err != nil {
		h.fail(ex, nil, "reading %%DLQ%%testGroup before the run: %v", err)
		return
	}
	c := h.startConsumer(ex, testGroup)
	if c == nil {
		return
	}
	defer func() {
		h.stopConsumer(ex, testGroup, c)
		h.orderlyStopped = time.Now()
	}()
	sent := h.feedTo(ex, "TopicTest", 1, h.marker("retryorder"))
	if len(sent) != 1 {
		return
	}
	times, done := reconsumed(c, sent[0].body, 60*time.Second)
	if !done {
		h.fail(ex, c, "never printed \"msg ReconsumeTimes > 5\" for %s within 60 s; it was consumed at ReconsumeTimes %v",
			sent[0].body, keys(times))
		return
	}
	var dlq int64
	deadline := time.Now().Add(15 * time.Second)
	for {
		dlq, err = h.topicMessages("%DLQ%testGroup")
		if err == nil && dlq > dlqBefore || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if dlq <= dlqBefore {
		h.fail(ex, c, "%%DLQ%%testGroup still holds %d messages (err %v) 15 s after the message passed its 5 reconsumes", dlq, err)
	}
}

// pullStep feeds ns%test-topic 4 messages tagged tag and 2 tagged
// "other" once pull example ex (group testPullGroup in namespace "ns")
// runs, and expects it to print the 4 and not the 2, plus the line
// progress. printedAs says how it prints a body.
func (h *harness) pullStep(ex, group, tag, progress string, printedAs func(l line, body string) bool) {
	c := h.start(ex)
	if c == nil || !h.waitOnline(ex, group, c) {
		return
	}
	defer h.stopConsumer(ex, group, c)
	sent := h.feedTo(ex, "ns%test-topic", 6, h.marker(strings.ReplaceAll(ex, "/", "_")), "-tags", tag+","+tag+",other")
	var want, other []string
	for _, f := range sent {
		if f.tag == tag {
			want = append(want, f.body)
		} else {
			other = append(other, f.body)
		}
	}
	// The pull examples take a queue per Pull call round-robin; a call on an
	// empty queue is held by the broker's long polling for up to 20 s, so
	// several rounds may pass before every fed message has been pulled.
	const wait = 45 * time.Second
	seen := map[string]bool{}
	c.scan(wait, func(l line) bool {
		for _, b := range want {
			if printedAs(l, b) {
				seen[b] = true
			}
		}
		return len(seen) == len(want)
	})
	if len(seen) != len(want) {
		var miss []string
		for _, b := range want {
			if !seen[b] {
				miss = append(miss, b)
			}
		}
		h.fail(ex, c, "printed %d of the %d messages fed with tag %s within %.0f s; missing %v", len(seen), len(want), tag, wait.Seconds(), miss)
	}
	if firstLine(c, progress) == "" {
		h.fail(ex, c, "never printed %q", progress)
	}
	time.Sleep(2 * time.Second) // room for an "other" message to show up wrongly
	for _, l := range c.lines() {
		for _, b := range other {
			if printedAs(l, b) {
				h.fail(ex, c, "printed %s, fed with tag \"other\", though it subscribes to %s only", b, tag)
				return
			}
		}
	}
}

// printsMessageExt matches a message printed as primitive.MessageExt.
func printsMessageExt(l line, body string) bool { return strings.Contains(l.text, "body="+body+",") }

func stepPull(h *harness) {
	h.pullStep("consumer/pull/pull", "ns%testPullGroup", "testPull", "[pull message successfully]", printsMessageExt)
}

func stepPoll(h *harness) {
	h.pullStep("consumer/pull/poll", "ns%testPullGroup", "testPull", "msgList:", printsMessageExt)
}

// stepPullFrom needs Redis at 127.0.0.1:6379, where the example keeps its
// offsets. It uses one that already listens there, else starts
// redis-server if it is on PATH, else reports the example as not runnable.
// The example imports go-redis, which our go.mod does not require, so it
// is built in a scratch module of its own (this may download go-redis).
func stepPullFrom(h *harness) {
	const ex = "consumer/pull/pull_from"
	const redisAddr = "127.0.0.1:6379"
	if c, err := net.DialTimeout("tcp", redisAddr, 300*time.Millisecond); err == nil {
		c.Close()
		h.t.Logf("%s: using the Redis that already listens on %s", ex, redisAddr)
	} else {
		bin, err := exec.LookPath("redis-server")
		if err != nil {
			h.notRunnable(ex, "it keeps its offsets in Redis at 127.0.0.1:6379; nothing listens there and no redis-server is on PATH")
			return
		}
		r := h.startBin("redis-server", bin, nil, "--port", "6379", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
		if r == nil {
			return
		}
		if !waitDial(redisAddr, 10*time.Second) {
			h.fail(ex, r, "redis-server did not listen on %s within 10 s", redisAddr)
			return
		}
	}
	if !h.buildPullFrom() {
		return
	}
	h.pullStep(ex, "ns%testPullFromGroup", "testPullFrom", "[pull message successfully]", func(l line, body string) bool {
		return strings.HasSuffix(l.text, " "+body) // log.Println(msg.GetKeys(), msg.MsgId, string(msg.Body))
	})
}

// buildPullFrom builds pull_from in a scratch module that requires only
// the client, so that go-redis comes from the client's own go.mod.
func (h *harness) buildPullFrom() bool {
	const ex = "consumer/pull/pull_from"
	dir := filepath.Join(h.dir, "pullfrom-module")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		h.fail(ex, nil, "%v", err)
		return false
	}
	mod := "module examplesharness/pullfrom\n\ngo 1.21\n\nrequire " + clientModule + " " + h.clientVer + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		h.fail(ex, nil, "%v", err)
		return false
	}
	out := filepath.Join(h.dir, "bin", binName(ex))
	if _, err := h.goCmd(5*time.Minute, dir, []string{"GOWORK=off", "GOFLAGS=-mod=mod"},
		"build", "-o", out, clientModule+"/examples/"+ex); err != nil {
		h.fail(ex, nil, "build in a scratch module (needs go-redis from the module proxy): %v", err)
		return false
	}
	h.bins[ex] = out
	return true
}

// waitDial waits up to d until something accepts connections on addr.
func waitDial(addr string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond); err == nil {
			c.Close()
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}
