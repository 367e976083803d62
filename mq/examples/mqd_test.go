package examples

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	// The examples hard-code these addresses.
	namesrvAddr = "127.0.0.1:9876"
	brokerAddr  = "127.0.0.1:10911"

	// delayLevels is Java's default table, given explicitly so the suite
	// does not depend on mqd's default: level 1 (1 s) is what
	// consumer/retry/concurrent asks for, level 3 (10 s) what
	// producer/delay asks for.
	delayLevels = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"
)

// topics are created before any consumer starts, because a consumer's
// Start fails without a route (rocketmq-protocol.md §6). "test",
// "TopicTest5" and "namespace%test" are left to the producers, which
// create them through TBW102.
var topics = []string{"TopicTest", "min", "ns%test-topic", "RequestTopic"}

// checkPorts fails the test at once if something already listens on the
// examples' fixed addresses.
func (h *harness) checkPorts() {
	for _, addr := range []string{namesrvAddr, brokerAddr} {
		if err := portFree(addr); err != nil {
			h.root.Fatalf("%s is busy (%v): the examples hard-code 127.0.0.1:9876 and 127.0.0.1:10911, "+
				"so stop whatever listens there (another mqd or RocketMQ?) and rerun", addr, err)
		}
	}
}

// portFree reports an error if addr cannot be listened on or something
// answers there.
func portFree(addr string) error {
	if c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond); err == nil {
		c.Close()
		return fmt.Errorf("something accepts connections on %s", addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return l.Close()
}

// startMqd starts `mqd standalone` on the examples' addresses with a store
// that persists across runs of this harness, extra flags appended, and
// waits until it is ready.
func (h *harness) startMqd(extra []string) bool {
	args := []string{"standalone",
		"-store", filepath.Join(h.dir, "store"),
		"-namesrv-listen", namesrvAddr,
		"-broker-listen", brokerAddr,
		"-broker-ip", "127.0.0.1",
		"-message-delay-level", delayLevels,
		// Check-back after 1 s instead of Java's 6 s immunity and 60 s interval.
		"-set", "transactionCheckInterval=1000",
		"-set", "transactionTimeOut=1000",
	}
	args = append(args, extra...)
	p := h.startBin("mqd", h.bins["mqd"], nil, args...)
	if p == nil {
		return false
	}
	h.mqd = p
	if !p.waitFor(30*time.Second, "mqd standalone ready") {
		h.t.Errorf("mqd %s did not become ready in 30 s; its output:\n%s", strings.Join(args, " "), p.tail(30))
		p.stop()
		return false
	}
	return true
}

// stopMqd stops mqd gracefully (SIGTERM), killing it after 15 s.
func (h *harness) stopMqd() {
	if h.mqd == nil {
		return
	}
	terminate(h.mqd.cmd)
	if !h.mqd.waitExit(15 * time.Second) {
		h.t.Errorf("mqd did not exit within 15 s of SIGTERM; killed it")
	}
}

// createTopics creates the topics the consumer examples subscribe to.
func (h *harness) createTopics() {
	for _, topic := range topics {
		if out, err := h.admin("updateTopic", "-c", "DefaultCluster", "-t", topic); err != nil {
			h.root.Fatalf("create topic %s: %v\n%s", topic, err, out)
		}
	}
}

// admin runs `mqd admin sub -n <namesrv> args...`.
func (h *harness) admin(sub string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.bins["mqd"], append([]string{"admin", sub, "-n", namesrvAddr}, args...)...)
	b, err := cmd.CombinedOutput()
	if err != nil {
		return string(b), fmt.Errorf("mqd admin %s %s: %w", sub, strings.Join(args, " "), err)
	}
	return string(b), nil
}

// topicListed reports whether the NameServer routes topic.
func (h *harness) topicListed(topic string) (bool, error) {
	out, err := h.admin("topicList")
	if err != nil {
		return false, err
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimSpace(l) == topic {
			return true, nil
		}
	}
	return false, nil
}

// topicMessages is the sum of the max offsets of topic's queues, i.e. how
// many messages it has ever stored (0 for a topic that does not exist).
func (h *harness) topicMessages(topic string) (int64, error) {
	out, err := h.admin("topicStatus", "-t", topic)
	if err != nil {
		if strings.Contains(out, "not found") || strings.Contains(out, "TOPIC_NOT_EXIST") {
			return 0, nil
		}
		return 0, fmt.Errorf("%w: %s", err, out)
	}
	var sum int64
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) < 4 || strings.HasPrefix(f[0], "#") {
			continue
		}
		n, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("topicStatus %s: bad line %q", topic, l)
		}
		sum += n
	}
	return sum, nil
}

// online reports whether the broker lists process p as a client of group.
func (h *harness) online(group string, p *proc) (bool, string) {
	out, err := h.admin("consumerConnection", "-g", group)
	if err != nil {
		return false, out
	}
	return strings.Contains(out, "@"+strconv.Itoa(p.cmd.Process.Pid)+" "), out
}

// waitOnline waits until consumer example ex (process p) has registered
// with the broker in group, so that what is fed next is meant for it.
// Under ACL mqd admin cannot sign its calls, so it waits 3 s instead.
func (h *harness) waitOnline(ex, group string, p *proc) bool {
	if h.acl {
		time.Sleep(3 * time.Second)
		return p.running()
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, out := h.online(group, p)
		if ok {
			return true
		}
		if !p.running() || time.Now().After(deadline) {
			h.fail(ex, p, "never registered with the broker in group %s within 20 s; consumerConnection said:\n%s", group, out)
			return false
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// stopConsumer kills consumer example ex and checks that the broker drops
// it from group on the closed connection (Go clients never unregister,
// rocketmq-protocol.md §5.15), so that the next consumer of the group
// gets every queue.
func (h *harness) stopConsumer(ex, group string, p *proc) {
	if p == nil {
		return
	}
	p.stop()
	if h.acl {
		return
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, out := h.online(group, p)
		if !ok {
			return
		}
		if time.Now().After(deadline) {
			h.fail(ex, nil, "the broker still lists the killed client in %s 10 s after its connection closed:\n%s", group, out)
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
}
