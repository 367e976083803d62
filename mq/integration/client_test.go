package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/admin"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

var nameSeq atomic.Int64

// uniqName returns a topic, group or instance name no other test of this
// run uses: prefix, the test's name and a sequence number, within
// RocketMQ's character set.
func uniqName(t *testing.T, prefix string) string {
	n := nameSeq.Add(1)
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, strings.TrimPrefix(t.Name(), "Test"))
	if len(name) > 70 {
		name = name[len(name)-70:]
	}
	return fmt.Sprintf("%s-%s-%d-%d", prefix, name, os.Getpid()%100000, n)
}

// newProducer starts a producer with its own client instance; it is shut
// down when the test ends.
func newProducer(t *testing.T, c *cluster, opts ...producer.Option) rocketmq.Producer {
	t.Helper()
	base := []producer.Option{
		producer.WithNsResolver(primitive.NewPassthroughResolver([]string{c.NamesrvAddr})),
		producer.WithRetry(2),
		producer.WithGroupName(uniqName(t, "pg")),
		producer.WithInstanceName(uniqName(t, "p")),
	}
	p, err := rocketmq.NewProducer(append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewProducer: %v", err)
	}
	if err := p.Start(); err != nil {
		t.Fatalf("producer Start: %v", err)
	}
	t.Cleanup(func() { _ = p.Shutdown() })
	return p
}

// sendSync sends msgs (one message, or a batch) and requires SendOK.
func sendSync(t *testing.T, p rocketmq.Producer, msgs ...*primitive.Message) *primitive.SendResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := p.SendSync(ctx, msgs...)
	if err != nil {
		t.Fatalf("SendSync to %s: %v", msgs[0].Topic, err)
	}
	if res.Status != primitive.SendOK {
		t.Fatalf("SendSync to %s: status %d, want SendOK", msgs[0].Topic, res.Status)
	}
	return res
}

// sendBodies sends one message per body with SendSync.
func sendBodies(t *testing.T, p rocketmq.Producer, topic string, bodies []string) []*primitive.SendResult {
	t.Helper()
	out := make([]*primitive.SendResult, len(bodies))
	for i, b := range bodies {
		out[i] = sendSync(t, p, primitive.NewMessage(topic, []byte(b)).WithKeys([]string{b}))
	}
	return out
}

// bodies returns n message bodies "prefix-0" ... "prefix-(n-1)".
func bodies(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return out
}

// pushMember is one member of a push consumer group.
type pushMember struct {
	name string
	pc   rocketmq.PushConsumer
}

// shutdown stops the member; it is safe to call twice.
func (m *pushMember) shutdown() { _ = m.pc.Shutdown() }

// startPushConsumer subscribes a new member (its own client instance) of
// group to topic and starts it. Every delivery goes to h. The member is
// shut down when the test ends.
func startPushConsumer(t *testing.T, c *cluster, group, topic string, sel consumer.MessageSelector,
	h func(context.Context, ...*primitive.MessageExt) (consumer.ConsumeResult, error), opts ...consumer.Option) *pushMember {
	t.Helper()
	name := uniqName(t, "c")
	base := []consumer.Option{
		consumer.WithNsResolver(primitive.NewPassthroughResolver([]string{c.NamesrvAddr})),
		consumer.WithGroupName(group),
		consumer.WithInstance(name),
	}
	pc, err := rocketmq.NewPushConsumer(append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewPushConsumer: %v", err)
	}
	if err := pc.Subscribe(topic, sel, h); err != nil {
		t.Fatalf("Subscribe %s: %v", topic, err)
	}
	if err := pc.Start(); err != nil {
		t.Fatalf("push consumer Start (group %s, topic %s): %v", group, topic, err)
	}
	m := &pushMember{name: name, pc: pc}
	t.Cleanup(m.shutdown)
	return m
}

// collector records every delivery by message body.
type collector struct {
	mu       sync.Mutex
	count    map[string]int                    // body -> deliveries
	first    map[string]*primitive.MessageExt  // body -> first delivery
	byMember map[string]map[string]int         // member -> body -> deliveries
	queues   map[string]map[int]map[string]int // member -> queue id -> bodies
}

func newCollector() *collector {
	return &collector{
		count: map[string]int{}, first: map[string]*primitive.MessageExt{},
		byMember: map[string]map[string]int{}, queues: map[string]map[int]map[string]int{},
	}
}

// handler returns a consume callback that records deliveries as member's.
func (c *collector) handler(member string) func(context.Context, ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
	return func(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, m := range msgs {
			b := string(m.Body)
			c.count[b]++
			if c.first[b] == nil {
				c.first[b] = m
			}
			if c.byMember[member] == nil {
				c.byMember[member] = map[string]int{}
				c.queues[member] = map[int]map[string]int{}
			}
			c.byMember[member][b]++
			qid := -1
			if m.Queue != nil {
				qid = m.Queue.QueueId
			}
			if c.queues[member][qid] == nil {
				c.queues[member][qid] = map[string]int{}
			}
			c.queues[member][qid][b]++
		}
		return consumer.ConsumeSuccess, nil
	}
}

// missing lists the wanted bodies not delivered yet.
func (c *collector) missing(want []string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, b := range want {
		if c.count[b] == 0 {
			out = append(out, b)
		}
	}
	return out
}

// waitAll waits until every wanted body was delivered at least once.
func (c *collector) waitAll(t *testing.T, want []string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		miss := c.missing(want)
		if len(miss) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v, %d of %d messages were never delivered, e.g. %s", timeout, len(miss), len(want), sample(miss))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// duplicates returns the bodies delivered more than once.
func (c *collector) duplicates() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for b, n := range c.count {
		if n > 1 {
			out = append(out, b)
		}
	}
	sort.Strings(out)
	return out
}

// unexpected returns the delivered bodies that are not in want.
func (c *collector) unexpected(want []string) []string {
	set := toSet(want)
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for b := range c.count {
		if !set[b] {
			out = append(out, b)
		}
	}
	sort.Strings(out)
	return out
}

// msg returns the first delivery of body.
func (c *collector) msg(body string) *primitive.MessageExt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.first[body]
}

// expectExactly requires that want was delivered, each body exactly once,
// and nothing else, waiting up to timeout and then grace for stragglers.
func (c *collector) expectExactly(t *testing.T, want []string, timeout, grace time.Duration) {
	t.Helper()
	c.waitAll(t, want, timeout)
	time.Sleep(grace)
	if d := c.duplicates(); len(d) > 0 {
		t.Errorf("%d messages were delivered more than once, e.g. %s", len(d), sample(d))
	}
	if u := c.unexpected(want); len(u) > 0 {
		t.Errorf("%d messages were delivered that should not have been, e.g. %s", len(u), sample(u))
	}
}

func toSet(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// sample shows at most 5 entries of xs.
func sample(xs []string) string {
	if len(xs) > 5 {
		return fmt.Sprintf("%q ...", xs[:5])
	}
	return fmt.Sprintf("%q", xs)
}

// newAdmin returns an admin client of the cluster, closed when the test
// ends.
func newAdmin(t *testing.T, c *cluster, opts ...admin.AdminOption) admin.Admin {
	t.Helper()
	base := []admin.AdminOption{admin.WithResolver(primitive.NewPassthroughResolver([]string{c.NamesrvAddr}))}
	a, err := admin.NewAdmin(append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewAdmin: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

// createTopic creates topic with queues read and write queues through the
// client's admin API and waits until the NameServer routes it.
func createTopic(t *testing.T, c *cluster, topic string, queues int) {
	t.Helper()
	a := newAdmin(t, c)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := a.CreateTopic(ctx, admin.WithTopicCreate(topic), admin.WithBrokerAddrCreate(c.BrokerAddr),
		admin.WithReadQueueNums(queues), admin.WithWriteQueueNums(queues))
	if err != nil {
		t.Fatalf("CreateTopic %s: %v", topic, err)
	}
	waitRoute(t, c, topic, queues)
}

// localOffsetDir is where the client keeps broadcasting offsets. The
// client reads $HOME once, at package initialisation, so setting HOME in
// a test has no effect; tests remove their group's directory instead.
func localOffsetDir() string {
	if d := os.Getenv("rocketmq.client.localOffsetStoreDir"); d != "" {
		return d
	}
	return filepath.Join(os.Getenv("HOME"), ".rocketmq_client_go")
}

// cleanLocalOffsets removes the broadcasting offsets of group when the
// test ends, and the client's directory if nothing else is left in it.
func cleanLocalOffsets(t *testing.T, group string) {
	dir := localOffsetDir()
	_, statErr := os.Stat(dir)
	existed := statErr == nil
	t.Cleanup(func() {
		os.RemoveAll(filepath.Join(dir, group))
		if !existed {
			os.Remove(dir) // only if empty
		}
	})
}

// eventually polls cond every 50ms until it holds or timeout passes.
func eventually(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// queueOwners returns, for every queue id, the members that consumed
// bodies with prefix from it.
func (c *collector) queueOwners(prefix string) map[int][]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	owners := map[int][]string{}
	for member, qs := range c.queues {
		for q, bs := range qs {
			for b := range bs {
				if strings.HasPrefix(b, prefix) {
					owners[q] = append(owners[q], member)
					break
				}
			}
		}
	}
	for _, ms := range owners {
		sort.Strings(ms)
	}
	return owners
}

// memberCountPrefix returns how many deliveries of bodies with prefix
// member had.
func (c *collector) memberCountPrefix(member, prefix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for b, k := range c.byMember[member] {
		if strings.HasPrefix(b, prefix) {
			n += k
		}
	}
	return n
}
