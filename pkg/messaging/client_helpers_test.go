package messaging

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"github.com/sagashop/sagashop/mq/standalone"
)

// ensure creates topics with two queues.
func ensure(t *testing.T, c *standalone.Cluster, topics ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := EnsureTopics(ctx, []string{c.NamesrvAddr}, topics, 2); err != nil {
		t.Fatal(err)
	}
}

// startProducer starts a Producer that the test shuts down.
func startProducer(t *testing.T, c *standalone.Cluster) *Producer {
	t.Helper()
	p, err := NewProducer(ProducerOptions{NameServers: []string{c.NamesrvAddr}, Group: uniqName("p")})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Shutdown() })
	return p
}

// startTxProducer starts a TxProducer of a new group that the test shuts
// down.
func startTxProducer(t *testing.T, c *standalone.Cluster, check Checker, l log.Logger) *TxProducer {
	t.Helper()
	p, err := NewTxProducer(ProducerOptions{NameServers: []string{c.NamesrvAddr}, Group: uniqName("tx"), Logger: l}, check)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Shutdown() })
	return p
}

// sub is one Subscribe call.
type sub struct {
	topic, expr string
	h           Handler
}

// startConsumer starts a Consumer of a new group that the test shuts down.
func startConsumer(t *testing.T, c *standalone.Cluster, subs ...sub) *Consumer {
	t.Helper()
	cons, err := NewConsumer(ConsumerOptions{NameServers: []string{c.NamesrvAddr}, Group: uniqName("g"), Logger: &recLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		if err := cons.Subscribe(s.topic, s.expr, s.h); err != nil {
			t.Fatal(err)
		}
	}
	if err := cons.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cons.Shutdown() })
	return cons
}

// inbox records deliveries; result, when set, decides each one's outcome.
type inbox struct {
	result func(d Delivery, n int) error // n counts deliveries of d.Body from 1

	mu  sync.Mutex
	got []received
}

type received struct {
	Delivery
	at time.Time
}

func (in *inbox) handle(_ context.Context, d Delivery) error {
	in.mu.Lock()
	in.got = append(in.got, received{d, time.Now()})
	n := 0
	for _, r := range in.got {
		if string(r.Body) == string(d.Body) {
			n++
		}
	}
	in.mu.Unlock()
	if in.result != nil {
		return in.result(d, n)
	}
	return nil
}

// of returns the deliveries of body.
func (in *inbox) of(body string) []received {
	in.mu.Lock()
	defer in.mu.Unlock()
	var rs []received
	for _, r := range in.got {
		if string(r.Body) == body {
			rs = append(rs, r)
		}
	}
	return rs
}

// bodies returns the distinct bodies received, sorted.
func (in *inbox) bodies() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	seen := map[string]bool{}
	for _, r := range in.got {
		seen[string(r.Body)] = true
	}
	var bs []string
	for b := range seen {
		bs = append(bs, b)
	}
	sort.Strings(bs)
	return bs
}

// wait waits until every body was delivered at least n times.
func (in *inbox) wait(t *testing.T, n int, timeout time.Duration, bodies ...string) {
	t.Helper()
	if !eventually(timeout, func() bool {
		for _, b := range bodies {
			if len(in.of(b)) < n {
				return false
			}
		}
		return true
	}) {
		got := map[string]int{}
		for _, b := range bodies {
			got[b] = len(in.of(b))
		}
		t.Fatalf("after %v: deliveries %v, want %d of each", timeout, got, n)
	}
}

// unique returns a body no other test sends.
func unique(s string) string { return fmt.Sprintf("%s-%d", s, nameSeq.Add(1)) }
