package examples

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// producerConsumerPair runs a producer example that would send 100000
// messages, and once it has sent some, the consumer example of the same
// topic. It expects the consumer to print 20 messages the producer sent
// after the consumer had registered (those before may legitimately be
// skipped by CONSUME_FROM_LAST_OFFSET), calls also (if not nil) while the
// consumer still runs, then stops both.
func (h *harness) producerConsumerPair(prodEx, consEx, group string, also func(cons *proc)) {
	prod := h.start(prodEx)
	if prod == nil {
		return
	}
	defer prod.stop()
	n := 0
	if !prod.scan(20*time.Second, func(l line) bool {
		n += len(sendResults([]line{l}))
		return n >= 20
	}) {
		h.fail(prodEx, prod, "printed %d \"send message success\" lines within 20 s, want 20 or more", n)
		return
	}
	cons := h.startConsumer(consEx, group)
	if cons == nil {
		return
	}
	defer h.stopConsumer(consEx, group, cons)
	from := len(prod.lines())
	var ids []string
	prod.scanFrom(from, 20*time.Second, func(l line) bool {
		ids = append(ids, offsetIDs(sendResults([]line{l}))...)
		return len(ids) >= 20
	})
	prod.stop()
	if len(ids) < 20 {
		h.fail(prodEx, prod, "sent only %d messages in the 20 s after %s registered", len(ids), consEx)
		return
	}
	ids = ids[:20]
	for _, l := range prod.lines()[from:] {
		if strings.Contains(l.text, "send message error") {
			h.fail(prodEx, prod, "printed %q", l.text)
			break
		}
	}
	seen := waitPrinted(cons, 20*time.Second, ids, byOffsetID)
	if miss := missing(ids, seen); len(miss) > 0 {
		h.fail(consEx, cons, "printed %d of 20 messages %s sent after it registered; missing offsetMsgIds %v",
			len(seen), prodEx, miss)
	}
	if also != nil {
		also(cons)
	}
}

// stepNamespace runs the namespace pair with ACL off (mqd ignores the
// AccessKey and Signature they send): names are rewritten client-side to
// namespace%test and namespace%testGroup (rocketmq-protocol.md §5.11).
func stepNamespace(h *harness) {
	h.producerConsumerPair("producer/namespace", "consumer/namespace", "namespace%testGroup", func(cons *proc) {
		if _, out := h.online("namespace%testGroup", cons); !strings.Contains(out, "%RETRY%namespace%testGroup") {
			h.fail("consumer/namespace", nil, "the broker does not list a subscription to %%RETRY%%namespace%%testGroup:\n%s", out)
		}
	})
}

// aclFile allows the examples' account RocketMQ/12345678 to publish and
// subscribe "test" and nothing else, and to use any group but DENY ones.
const aclFile = `accounts:
  - accessKey: RocketMQ
    secretKey: "12345678"
    admin: false
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
      - test=PUB|SUB
`

// stepACL restarts mqd on the same store with aclEnable=true (gracefully,
// so it also checks a restart), proves that ACL is enforced with the
// feeder, and runs the ACL pair. It runs last: mqd admin cannot sign its
// calls, so the suite's broker checks stop working under ACL.
func stepACL(h *harness) {
	const prodEx, consEx = "producer/acl", "consumer/acl"
	if out := h.output(h.bins["mqd"], "standalone", "-h"); !strings.Contains(out, "-acl-file") {
		for _, ex := range []string{prodEx, consEx} {
			h.notRunnable(ex, "mqd standalone has no -acl-file flag: the broker does not implement ACL yet")
		}
		return
	}
	path := filepath.Join(h.dir, "plain_acl.yml")
	if err := os.WriteFile(path, []byte(aclFile), 0o644); err != nil {
		h.t.Fatal(err)
	}
	h.stopMqd()
	if !h.startMqd([]string{"-set", "aclEnable=true", "-acl-file", path}) {
		h.fail(prodEx, nil, "mqd did not start with aclEnable=true")
		h.fail(consEx, nil, "mqd did not start with aclEnable=true")
		return
	}
	h.acl = true

	// The feeder proves the broker checks what the examples get right.
	ok := true
	for _, probe := range []struct {
		what  string
		topic string
		args  []string
	}{
		{"an unsigned send", "test", nil},
		{"a send signed with a wrong secret key", "test", []string{"-ak", "RocketMQ", "-sk", "wrong-secret"}},
		{"a signed send to a topic the account may not publish to", "TopicTest", []string{"-ak", "RocketMQ", "-sk", "12345678"}},
	} {
		if h.feedRefused(prodEx, probe.what, probe.topic, probe.args...) {
			continue
		}
		ok = false
	}
	if sent := h.feedTo(prodEx, "test", 1, h.marker("acl"), "-ak", "RocketMQ", "-sk", "12345678"); len(sent) != 1 {
		ok = false
	}
	if !ok {
		h.fail(consEx, nil, "not judged: the broker's ACL checks above failed")
		return
	}
	h.producerConsumerPair(prodEx, consEx, testGroup, nil)
}

// feedRefused sends one message that the broker must refuse and fails ex
// if it is accepted.
func (h *harness) feedRefused(ex, what, topic string, args ...string) bool {
	args = append([]string{"-namesrv", namesrvAddr, "-topic", topic, "-n", "1", "-prefix", h.marker("refused")}, args...)
	p := h.startBin("feed", h.bins["feed"], h.env(), args...)
	if p == nil {
		return false
	}
	p.waitExit(60 * time.Second)
	if p.waitErr == nil || firstLine(p, "sent body=") != "" {
		h.fail(ex, p, "aclEnable=true, yet the broker accepted %s", what)
		return false
	}
	if firstLine(p, "fail body=") == "" {
		h.fail(ex, p, "the feeder failed before it could try %s", what)
		return false
	}
	return true
}

// output runs bin with args and returns what it printed.
func (h *harness) output(bin string, args ...string) string {
	p := h.startBin(filepath.Base(bin)+"-"+args[0], bin, nil, args...)
	if p == nil {
		return ""
	}
	p.waitExit(20 * time.Second)
	var b strings.Builder
	for _, l := range p.lines() {
		b.WriteString(l.text + "\n")
	}
	return b.String()
}
