package outbox_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/messaging"
	"github.com/sagashop/sagashop/pkg/outbox"
)

// fakeSender records sent messages; fail, when set, decides per message
// whether the send fails (it may block: it runs without the lock).
type fakeSender struct {
	fail func(ctx context.Context, m messaging.Message) error

	mu   sync.Mutex
	sent []messaging.Message
}

func (f *fakeSender) Send(ctx context.Context, m messaging.Message) error {
	if f.fail != nil {
		if err := f.fail(ctx, m); err != nil {
			return err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, m)
	return nil
}

// holdFirst returns a fail function for fakeSender that blocks the send of
// the event id first until release is called; entered is closed when that
// send starts.
func holdFirst(first string) (fail func(ctx context.Context, m messaging.Message) error, entered <-chan struct{}, release func()) {
	in, gate := make(chan struct{}), make(chan struct{})
	var once sync.Once
	fail = func(ctx context.Context, m messaging.Message) error {
		if m.Keys[0] != first {
			return nil
		}
		once.Do(func() { close(in) })
		select {
		case <-gate:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return fail, in, sync.OnceFunc(func() { close(gate) })
}

// stmtCounter counts the statements that read and delete rows of
// outbox_events through its model (as the relay does, and as the tests'
// own counts through gdb.Table do not), with gorm callbacks.
type stmtCounter struct{ reads, deletes atomic.Int32 }

func countStatements(t *testing.T, gdb *gorm.DB) *stmtCounter {
	t.Helper()
	c := &stmtCounter{}
	onOutbox := func(n *atomic.Int32) func(tx *gorm.DB) {
		return func(tx *gorm.DB) {
			if s := tx.Statement.Schema; tx.Error == nil && s != nil && s.Table == "outbox_events" {
				n.Add(1)
			}
		}
	}
	if err := gdb.Callback().Query().After("gorm:query").Register("test:count_reads", onOutbox(&c.reads)); err != nil {
		t.Fatal(err)
	}
	if err := gdb.Callback().Delete().After("gorm:delete").Register("test:count_deletes", onOutbox(&c.deletes)); err != nil {
		t.Fatal(err)
	}
	return c
}

// ids returns the event ids of the rows in outbox_events, in id order.
func tableIDs(t *testing.T, gdb *gorm.DB) []string {
	t.Helper()
	var out []string
	if err := gdb.Table("outbox_events").Order("id").Pluck("event_id", &out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// ids returns the first key (the event id) of every sent message.
func (f *fakeSender) ids() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.sent))
	for i, m := range f.sent {
		out[i] = m.Keys[0]
	}
	return out
}

var errBroker = errors.New("broker down")

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func rows(t *testing.T, gdb *gorm.DB) int64 {
	t.Helper()
	var n int64
	if err := gdb.Table("outbox_events").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func startRelay(t *testing.T, o outbox.RelayOptions) *outbox.Relay {
	t.Helper()
	r, err := outbox.NewRelay(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return r
}

func record(id string) outbox.Record {
	return outbox.Record{EventID: id, Topic: "order", Tag: "created", Keys: []string{id, "SN1"}, Body: []byte(`{"event_id":"` + id + `"}`)}
}
