package examples

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// txBodies is what producer/transaction's check-back decides for the body
// "Hello RocketMQ again <i>": its listener answers UNKNOW at once and
// remembers state (i+1)%3+1 for the check, i.e. 1 commit, 2 rollback,
// 3 unknown.
func txBodies(decision int) []string {
	var out []string
	for i := 0; i < 10; i++ {
		if (i+1)%3+1 == decision {
			out = append(out, fmt.Sprintf("Hello RocketMQ again %d", i))
		}
	}
	return out
}

// stepTransaction runs producer/transaction (which sleeps 5 min) until the
// broker has checked every half message back, then reads TopicTest5. mqd
// runs with transactionTimeOut and transactionCheckInterval of 1 s, so
// the first check comes within about 2 s instead of a minute.
func stepTransaction(h *harness) {
	const ex = "producer/transaction"
	began := time.Now()
	p := h.start(ex)
	if p == nil {
		return
	}
	decisions := map[string]string{
		"checkLocalTransaction COMMIT_MESSAGE":   "commit",
		"checkLocalTransaction ROLLBACK_MESSAGE": "rollback",
		"checkLocalTransaction unknow:":          "unknown",
	}
	want := map[string]map[string]bool{"commit": {}, "rollback": {}, "unknown": {}}
	for i, d := range []string{"commit", "rollback", "unknown"} {
		for _, b := range txBodies(i + 1) {
			want[d][b] = true
		}
	}
	got := map[string]map[string]bool{"commit": {}, "rollback": {}, "unknown": {}}
	unknown := "" // a check-back for a transaction the listener never saw
	complete := func() bool {
		for k, w := range want {
			for b := range w {
				if !got[k][b] {
					return false
				}
			}
		}
		return true
	}
	p.scan(40*time.Second, func(l line) bool {
		for prefix, d := range decisions {
			if strings.Contains(l.text, prefix) {
				for _, m := range parseMsgs(l) {
					got[d][m.body] = true
				}
			}
		}
		if strings.Contains(l.text, "unknow msg:") && unknown == "" {
			unknown = l.text
		}
		return complete()
	})
	// Read TopicTest5 back while the producer still runs: it prints its
	// decision before it sends END_TRANSACTION.
	msgs, r, readOK := h.readTopic("TopicTest5", 3, 10*time.Second)
	p.stop()
	rs := sendResults(p.lines())
	if len(rs) != 10 {
		h.fail(ex, p, "printed %d \"send message success\" lines, want 10", len(rs))
	}
	if l := firstLine(p, "send message error"); l != "" {
		h.fail(ex, p, "printed %q", l)
	}
	if unknown != "" {
		h.fail(ex, p, "a check-back named a transaction the listener does not know (UNIQ_KEY lost?): %s", unknown)
	}
	for _, d := range []string{"commit", "rollback", "unknown"} {
		var miss []string
		for b := range want[d] {
			if !got[d][b] {
				miss = append(miss, b)
			}
		}
		for b := range got[d] {
			if !want[d][b] {
				h.fail(ex, p, "the check-back decided %s for %q, want another decision", d, b)
			}
		}
		if len(miss) > 0 {
			slices.Sort(miss)
			h.fail(ex, p, "no check-back printed %s for %q within 40 s", d, miss)
		}
	}

	if !readOK {
		h.fail(ex, r, "reading TopicTest5 back failed")
		return
	}
	var bodies []string
	for _, m := range msgs {
		if !m.born.Before(began.Add(-time.Second)) {
			bodies = append(bodies, m.body)
		}
	}
	slices.Sort(bodies)
	if w := txBodies(1); !slices.Equal(bodies, w) {
		h.fail(ex, r, "TopicTest5 holds %q from this run, want exactly the committed %q", bodies, w)
	}
}

// stepRPC runs the replier consumer/rpc, then the two requesters against
// it (they line up: all use RequestTopic).
func stepRPC(h *harness) {
	const group = "please_rename_unique_group_name"
	c := h.start("consumer/rpc")
	if c == nil {
		return
	}
	defer h.stopConsumer("consumer/rpc", group, c)
	if !c.waitFor(20*time.Second, "Consumer Started.") {
		h.fail("consumer/rpc", c, "never printed \"Consumer Started.\"")
		return
	}
	if !h.waitOnline("consumer/rpc", group, c) {
		return
	}
	const reply = "Requst to RequestTopic cost:"
	var requesters []*proc
	if p, exited := h.run("producer/rpc/sync", 30*time.Second); p != nil {
		requesters = append(requesters, p)
		switch {
		case !exited:
			h.fail("producer/rpc/sync", p, "did not exit within 30 s")
		case p.waitErr != nil:
			h.fail("producer/rpc/sync", p, "exited with %s", p.exitStatus())
		}
		if firstLine(p, reply) == "" {
			h.fail("producer/rpc/sync", p, "never printed %q (no reply within the 5 s TTL?)", reply)
		}
	}
	if p := h.start("producer/rpc/async"); p != nil { // sleeps a minute after the request
		requesters = append(requesters, p)
		if !p.waitFor(20*time.Second, reply) {
			h.fail("producer/rpc/async", p, "its callback never printed %q", reply)
		}
		if l := firstLine(p, "fail, err:"); l != "" {
			h.fail("producer/rpc/async", p, "its callback printed %q", l)
		}
		// It stays up until consumer/rpc has its answer: the requester
		// prints before it acknowledges the broker's push, and killing it
		// in between fails the replier's send.
		defer p.stop()
	}
	// consumer/rpc must have handled each request and replied: it prints
	// "reply to <REPLY_TO_CLIENT> , <SendResult>", where REPLY_TO_CLIENT is
	// the requester's clientId, <ip>@<pid>. producer/rpc/sync is the
	// exception: it prints the reply and shuts down before it acknowledges
	// the broker's push, so the broker may see its connection close and
	// fail the replier's send (Java would too); the reply did arrive, as the
	// requester printed it.
	for _, r := range requesters {
		pid := strconv.Itoa(r.cmd.Process.Pid)
		handled := regexp.MustCompile(`handle message: .*REPLY_TO_CLIENT:\S+@` + pid + `[ \]]`)
		if !c.scan(10*time.Second, func(l line) bool { return handled.MatchString(l.text) }) {
			h.fail("consumer/rpc", c, "never printed \"handle message:\" for the request of %s (REPLY_TO_CLIENT ...@%s)", r.name, pid)
			continue
		}
		ok := "@" + pid + " , SendResult [sendStatus=0"
		replied := c.scan(10*time.Second, func(l line) bool {
			return strings.Contains(l.text, "reply to ") && strings.Contains(l.text, ok) ||
				r.name == "producer/rpc/sync" && strings.Contains(l.text, "send message error") && strings.Contains(l.text, "@"+pid)
		})
		if !replied {
			h.fail("consumer/rpc", c, "never printed \"reply to <clientId>%s\" for %s", ok, r.name)
		}
	}
	if l := firstLine(c, "create reply message err"); l != "" {
		h.fail("consumer/rpc", c, "%s (the request lacks the CLUSTER property?)", l)
	}
}

// stepAdminTopic runs admin/topic, which lists the topics, creates newOne
// on 127.0.0.1:10911 and deletes it again. The creation is visible only in
// mqd's log; the deletion also in the NameServer's topic list.
func stepAdminTopic(h *harness) {
	const ex = "admin/topic"
	if listed, err := h.topicListed("newOne"); err != nil || listed {
		h.fail(ex, nil, "before the run, on a fresh store: newOne listed=%v (err %v)", listed, err)
		return
	}
	from := len(h.mqd.lines())
	p, exited := h.run(ex, 30*time.Second)
	if p == nil {
		return
	}
	h.checkAdmin(ex, p, exited)
	if strings.Contains(firstLine(p, "Delete topic error"), "missing address") {
		// DeleteTopic without a broker address looks newOne's route up
		// right after CreateTopic returned: the broker must have
		// registered it with the NameServer before it replied.
		h.fail(ex, nil, "UPDATE_AND_CREATE_TOPIC was answered before newOne was routable")
	}
	lines := p.lines()
	if len(lines) == 0 || !strings.HasPrefix(lines[0].text, "[") || !strings.Contains(lines[0].text, "TopicTest") {
		h.fail(ex, p, "its first line should be the topic list, with TopicTest in it")
	}
	time.Sleep(500 * time.Millisecond) // let mqd's log catch up
	created, deleted := -1, -1
	for i, l := range h.mqd.lines()[from:] {
		if !strings.Contains(l.text, "topic=newOne") {
			continue
		}
		if strings.Contains(l.text, "topic updated") && created < 0 {
			created = i
		}
		if strings.Contains(l.text, "topic deleted") && deleted < 0 {
			deleted = i
		}
	}
	if created < 0 || deleted < created {
		h.fail(ex, nil, "mqd's log does not show newOne updated and then deleted (lines %d, %d)", created, deleted)
	}
	if listed, err := h.topicListed("newOne"); err != nil || listed {
		h.fail(ex, nil, "after the run: newOne listed=%v (err %v); DeleteTopic should have removed it from the NameServer", listed, err)
	}
}

// stepAdminGroup runs admin/group, which prints the broker's
// subscription-group table; testGroup is in it by now.
func stepAdminGroup(h *harness) {
	const ex = "admin/group"
	p, exited := h.run(ex, 30*time.Second)
	if p == nil {
		return
	}
	h.checkAdmin(ex, p, exited)
	if l := firstLine(p, "map["); !strings.Contains(l, testGroup) {
		h.fail(ex, p, "did not print a subscription-group table (map[...]) naming %s", testGroup)
	}
}

// checkAdmin checks that an admin example exited 0 and printed none of
// its own error lines (the client's error-level log lines are only
// reported with them: DeleteTopic, for one, logs an error it recovers
// from).
func (h *harness) checkAdmin(ex string, p *proc, exited bool) {
	switch {
	case !exited:
		h.fail(ex, p, "did not exit within 30 s")
	case p.waitErr != nil:
		h.fail(ex, p, "exited with %s", p.exitStatus())
	}
	for _, l := range p.lines() {
		for _, bad := range []string{"FetchAllTopicList error", "Create topic error", "Delete topic error",
			"GetAllSubscriptionGroup error", "Shutdown admin error"} {
			if strings.HasPrefix(l.text, bad) {
				h.fail(ex, p, "printed %q", l.text)
			}
		}
	}
}
