package outbox_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
	"github.com/sagashop/sagashop/pkg/messaging"
	"github.com/sagashop/sagashop/pkg/outbox"
)

func addAll(t *testing.T, gdb *gorm.DB, ids []string) {
	t.Helper()
	tx := db.NewTx(gdb)
	for _, id := range ids {
		err := tx.InTx(context.Background(), func(ctx context.Context) error {
			return outbox.Add(ctx, tx.DB(ctx), record(id))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestRelaySendsInOrder(t *testing.T) {
	dbtest.Each(t, dbtest.Common(), func(t *testing.T, gdb *gorm.DB) {
		var ids []string
		for i := range 250 {
			ids = append(ids, fmt.Sprintf("order:created/SN%03d/1", i))
		}
		addAll(t, gdb, ids)
		s := &fakeSender{}
		n := countStatements(t, gdb)
		startRelay(t, outbox.RelayOptions{DB: gdb, Sender: s, BatchSize: 100, PollInterval: time.Hour})
		waitFor(t, 10*time.Second, "all rows sent", func() bool { return len(s.ids()) == len(ids) })
		if got := s.ids(); !slices.Equal(got, ids) {
			t.Fatalf("sent %v..., want id order", got[:5])
		}
		waitFor(t, 5*time.Second, "table empty", func() bool { return rows(t, gdb) == 0 })
		// batches of 100, 100 and 50: one read and one delete each
		if r, d := n.reads.Load(), n.deletes.Load(); r != 3 || d != 3 {
			t.Fatalf("%d reads and %d deletes for 250 rows, want 3 and 3", r, d)
		}
		m := s.sent[0]
		want := messaging.Message{Topic: "order", Tag: "created", Keys: []string{ids[0], "SN1"}, Body: []byte(`{"event_id":"` + ids[0] + `"}`)}
		if fmt.Sprint(m) != fmt.Sprint(want) {
			t.Fatalf("message %+v, want %+v", m, want)
		}
	})
}

func TestRelayKeepsRowWhenSendFails(t *testing.T) {
	dbtest.Each(t, dbtest.Common(), func(t *testing.T, gdb *gorm.DB) {
		addAll(t, gdb, []string{"e1", "e2", "e3"})
		var failures atomic.Int32
		var broken atomic.Bool
		broken.Store(true)
		s := &fakeSender{fail: func(_ context.Context, m messaging.Message) error {
			if m.Keys[0] == "e2" && broken.Load() {
				failures.Add(1)
				return errBroker
			}
			return nil
		}}
		startRelay(t, outbox.RelayOptions{DB: gdb, Sender: s, PollInterval: time.Hour})
		waitFor(t, 5*time.Second, "two failed attempts", func() bool { return failures.Load() >= 2 })
		if got := s.ids(); !slices.Equal(got, []string{"e1"}) {
			t.Fatalf("sent %v while e2 fails, want [e1] (e3 waits behind e2)", got)
		}
		if n := rows(t, gdb); n != 2 {
			t.Fatalf("rows = %d while e2 fails, want 2", n)
		}
		broken.Store(false)
		// the backoff (not the hour-long poll) brings the retry
		waitFor(t, 5*time.Second, "e2 and e3 sent", func() bool { return len(s.ids()) == 3 })
		if got := s.ids(); !slices.Equal(got, []string{"e1", "e2", "e3"}) {
			t.Fatalf("sent %v", got)
		}
		waitFor(t, 5*time.Second, "table empty", func() bool { return rows(t, gdb) == 0 })
	})
}

// TestRelayNotifyWakes: rows added with outbox.Add wait for a read of the
// table, which a Notify brings at once.
func TestRelayNotifyWakes(t *testing.T) {
	dbtest.Each(t, dbtest.Common(), func(t *testing.T, gdb *gorm.DB) {
		s := &fakeSender{}
		n := countStatements(t, gdb)
		r := startRelay(t, outbox.RelayOptions{DB: gdb, Sender: s, PollInterval: time.Hour})
		waitFor(t, 2*time.Second, "the start-up read", func() bool { return n.reads.Load() == 1 })

		addAll(t, gdb, []string{"quiet1", "quiet2"})
		time.Sleep(100 * time.Millisecond)
		if got := s.ids(); len(got) != 0 {
			t.Fatalf("sent %v without a Notify", got)
		}
		r.Notify()
		waitFor(t, 2*time.Second, "rows sent after Notify", func() bool { return len(s.ids()) == 2 })
		if got := s.ids(); !slices.Equal(got, []string{"quiet1", "quiet2"}) {
			t.Fatalf("sent %v", got)
		}
		waitFor(t, 2*time.Second, "table empty", func() bool { return rows(t, gdb) == 0 })
		for range 100 {
			r.Notify() // never blocks
		}
	})
}

func TestRelayLifecycle(t *testing.T) {
	gdb := dbtest.SQLite(t, dbtest.Common())
	tests := []struct {
		name string
		run  func(r *outbox.Relay) error
		want error
	}{
		{name: "stop before start", run: func(r *outbox.Relay) error { return r.Stop(context.Background()) }},
		{name: "start twice", want: outbox.ErrStarted, run: func(r *outbox.Relay) error {
			if err := r.Start(context.Background()); err != nil {
				return err
			}
			defer r.Stop(context.Background())
			return r.Start(context.Background())
		}},
		{name: "stop twice", run: func(r *outbox.Relay) error {
			if err := r.Start(context.Background()); err != nil {
				return err
			}
			if err := r.Stop(context.Background()); err != nil {
				return err
			}
			return r.Stop(context.Background())
		}},
		{name: "start after stop", want: outbox.ErrStarted, run: func(r *outbox.Relay) error {
			_ = r.Stop(context.Background())
			return r.Start(context.Background())
		}},
		{name: "cancelled start ctx does not stop", run: func(r *outbox.Relay) error {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if err := r.Start(ctx); err != nil {
				return err
			}
			cancel()
			if err := outbox.Add(context.Background(), gdb, record("after-cancel")); err != nil {
				return err
			}
			r.Notify()
			time.Sleep(100 * time.Millisecond)
			if rows(t, gdb) != 0 {
				return fmt.Errorf("row not sent after the start ctx was cancelled")
			}
			return r.Stop(context.Background())
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := outbox.NewRelay(outbox.RelayOptions{DB: gdb, Sender: &fakeSender{}})
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.run(r); err != tt.want {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestRelayStopCancelsStuckSend: a send that blocks until its ctx ends is
// cancelled when Stop's ctx expires, and its row stays.
func TestRelayStopCancelsStuckSend(t *testing.T) {
	gdb := dbtest.SQLite(t, dbtest.Common())
	addAll(t, gdb, []string{"stuck"})
	entered := make(chan struct{})
	r, err := outbox.NewRelay(outbox.RelayOptions{DB: gdb, Sender: senderFunc(func(ctx context.Context, m messaging.Message) error {
		close(entered)
		<-ctx.Done()
		return ctx.Err()
	})})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := r.Stop(ctx); err == nil {
		t.Fatal("Stop returned nil although its ctx expired")
	}
	if n := rows(t, gdb); n != 1 {
		t.Fatalf("rows = %d, want the unsent row kept", n)
	}
}

type senderFunc func(ctx context.Context, m messaging.Message) error

func (f senderFunc) Send(ctx context.Context, m messaging.Message) error { return f(ctx, m) }
