package outbox_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/messaging"
	"github.com/sagashop/sagashop/pkg/outbox"
)

// fakeSender records sent messages; fail, when set, decides per message
// whether the send fails.
type fakeSender struct {
	mu   sync.Mutex
	sent []messaging.Message
	fail func(m messaging.Message) error
}

func (f *fakeSender) Send(ctx context.Context, m messaging.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		if err := f.fail(m); err != nil {
			return err
		}
	}
	f.sent = append(f.sent, m)
	return nil
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
