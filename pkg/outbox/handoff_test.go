package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
	"github.com/sagashop/sagashop/pkg/messaging"
	"github.com/sagashop/sagashop/pkg/outbox"
)

// handOff adds one transaction with the events ids through r.Add and
// commits it, or rolls it back when fail is set.
func handOff(t *testing.T, r *outbox.Relay, gdb *gorm.DB, fail bool, ids ...string) {
	t.Helper()
	if err := addTx(r, gdb, fail, ids...); err != nil {
		t.Fatal(err)
	}
}

func addTx(r *outbox.Relay, gdb *gorm.DB, fail bool, ids ...string) error {
	tx := db.NewTx(gdb)
	err := tx.InTx(context.Background(), func(ctx context.Context) error {
		for _, id := range ids {
			if err := r.Add(ctx, tx.DB(ctx), record(id)); err != nil {
				return err
			}
		}
		if fail {
			return errBroker
		}
		return nil
	})
	if fail != (err != nil) {
		return fmt.Errorf("tx of %v: err = %v, want failed %v", ids, err, fail)
	}
	return nil
}

// TestRelayHandOff: committed rows are sent without reading the table, and
// one delete removes the rows sent in a run, and only those.
func TestRelayHandOff(t *testing.T) {
	dbtest.Each(t, dbtest.Common(), func(t *testing.T, gdb *gorm.DB) {
		fail, entered, release := holdFirst("a1")
		s := &fakeSender{fail: fail}
		n := countStatements(t, gdb)
		r := startRelay(t, outbox.RelayOptions{DB: gdb, Sender: s, PollInterval: time.Hour})
		waitFor(t, 2*time.Second, "the start-up read", func() bool { return n.reads.Load() == 1 })

		addAll(t, gdb, []string{"quiet"}) // not handed over, no Notify: stays
		handOff(t, r, gdb, false, "a1", "a2")
		<-entered // a1 is being sent; the rows below queue up behind it
		handOff(t, r, gdb, false, "a3")
		handOff(t, r, gdb, true, "rolled-back")
		release()

		waitFor(t, 2*time.Second, "a1..a3 deleted", func() bool { return rows(t, gdb) == 1 })
		time.Sleep(50 * time.Millisecond)
		if got := s.ids(); !slices.Equal(got, []string{"a1", "a2", "a3"}) {
			t.Fatalf("sent %v, want [a1 a2 a3]", got)
		}
		if got := tableIDs(t, gdb); !slices.Equal(got, []string{"quiet"}) {
			t.Fatalf("table holds %v, want [quiet]", got)
		}
		if r, d := n.reads.Load(), n.deletes.Load(); r != 1 || d != 1 {
			t.Fatalf("%d reads and %d deletes, want the start-up read and one delete", r, d)
		}
	})
}

// TestRelayNeverSendsRolledBack: a rolled-back row is never handed over,
// also when its transaction is not one ctx carries (then AfterCommit runs
// the hook at once, before the outcome is known).
func TestRelayNeverSendsRolledBack(t *testing.T) {
	dbtest.Each(t, dbtest.Common(), func(t *testing.T, gdb *gorm.DB) {
		s := &fakeSender{}
		r := startRelay(t, outbox.RelayOptions{DB: gdb, Sender: s, PollInterval: time.Hour})

		handOff(t, r, gdb, true, "in-tx")
		err := gdb.Transaction(func(tx *gorm.DB) error {
			if err := r.Add(context.Background(), tx, record("gorm-tx")); err != nil {
				return err
			}
			time.Sleep(50 * time.Millisecond) // time enough for a wrong hand-off to be sent
			if got := s.ids(); len(got) != 0 {
				t.Errorf("sent %v before the transaction ended", got)
			}
			return errBroker
		})
		if err == nil {
			t.Fatal("want the tx error")
		}
		handOff(t, r, gdb, false, "ok")
		waitFor(t, 2*time.Second, "ok sent", func() bool { return len(s.ids()) > 0 })
		time.Sleep(50 * time.Millisecond)
		if got := s.ids(); !slices.Equal(got, []string{"ok"}) {
			t.Fatalf("sent %v, want [ok]", got)
		}
	})
}

// TestRelayReadsDroppedHandOffs: hand-offs beyond QueueSize are dropped,
// and the read of the table they trigger sends those rows, in id order and
// once each.
func TestRelayReadsDroppedHandOffs(t *testing.T) {
	dbtest.Each(t, dbtest.Common(), func(t *testing.T, gdb *gorm.DB) {
		fail, entered, release := holdFirst("x1")
		s := &fakeSender{fail: fail}
		n := countStatements(t, gdb)
		r := startRelay(t, outbox.RelayOptions{DB: gdb, Sender: s, PollInterval: time.Hour, QueueSize: 1})
		waitFor(t, 2*time.Second, "the start-up read", func() bool { return n.reads.Load() == 1 })

		handOff(t, r, gdb, false, "x1")
		<-entered
		handOff(t, r, gdb, false, "x2") // queued
		handOff(t, r, gdb, false, "x3") // dropped: the queue is full
		handOff(t, r, gdb, false, "x4") // dropped until the table was read
		release()

		waitFor(t, 2*time.Second, "table empty", func() bool { return rows(t, gdb) == 0 })
		time.Sleep(50 * time.Millisecond)
		if got := s.ids(); !slices.Equal(got, []string{"x1", "x2", "x3", "x4"}) {
			t.Fatalf("sent %v, want [x1 x2 x3 x4]", got)
		}
		if got := n.reads.Load(); got < 2 {
			t.Fatalf("%d reads, want the dropped rows read", got)
		}
	})
}

// TestRelayHandOffReadRace: rows handed over while the table is read all
// the time are sent once each, in the order each writer committed them.
// Worth running with -race -count=N.
func TestRelayHandOffReadRace(t *testing.T) {
	dbtest.Each(t, dbtest.Common(), func(t *testing.T, gdb *gorm.DB) {
		s := &fakeSender{}
		r := startRelay(t, outbox.RelayOptions{DB: gdb, Sender: s, PollInterval: time.Millisecond, QueueSize: 4, BatchSize: 5})
		const writers, each = 4, 30
		stop := make(chan struct{})
		var notifier, wg sync.WaitGroup
		notifier.Go(func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Microsecond):
					r.Notify()
				}
			}
		})
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					if err := addTx(r, gdb, false, fmt.Sprintf("w%d-%02d", w, i)); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		close(stop)
		notifier.Wait()
		waitFor(t, 10*time.Second, "table empty", func() bool { return rows(t, gdb) == 0 })
		time.Sleep(20 * time.Millisecond)

		got := s.ids()
		if len(got) != writers*each {
			t.Errorf("sent %d messages, want %d", len(got), writers*each)
		}
		seen := map[string]bool{}
		last := map[byte]string{}
		for _, id := range got {
			if seen[id] {
				t.Errorf("%s sent twice", id)
			}
			seen[id] = true
			if w := id[1]; id < last[w] {
				t.Errorf("%s sent after %s", id, last[w])
			}
			last[id[1]] = id
		}
	})
}

// TestRelayHandOffSendFails: a handed-over row whose send fails stays in
// the table and holds back the rows after it; the relay sends them from
// the table once the broker is back, without sending any row twice.
func TestRelayHandOffSendFails(t *testing.T) {
	dbtest.Each(t, dbtest.Common(), func(t *testing.T, gdb *gorm.DB) {
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
		r := startRelay(t, outbox.RelayOptions{DB: gdb, Sender: s, PollInterval: time.Hour})
		handOff(t, r, gdb, false, "e1")
		handOff(t, r, gdb, false, "e2", "e3")
		waitFor(t, 5*time.Second, "two failed attempts", func() bool { return failures.Load() >= 2 })
		if got := s.ids(); !slices.Equal(got, []string{"e1"}) {
			t.Fatalf("sent %v while e2 fails, want [e1]", got)
		}
		if got := tableIDs(t, gdb); !slices.Equal(got, []string{"e2", "e3"}) {
			t.Fatalf("table holds %v while e2 fails, want [e2 e3]", got)
		}
		broken.Store(false)
		waitFor(t, 5*time.Second, "table empty", func() bool { return rows(t, gdb) == 0 })
		time.Sleep(50 * time.Millisecond)
		if got := s.ids(); !slices.Equal(got, []string{"e1", "e2", "e3"}) {
			t.Fatalf("sent %v, want [e1 e2 e3]", got)
		}
	})
}

// TestRelayStopLeavesQueuedRows: Stop finishes the send under way and
// deletes its row; the rows still queued stay in the table, and the next
// relay sends them.
func TestRelayStopLeavesQueuedRows(t *testing.T) {
	dbtest.Each(t, dbtest.Common(), func(t *testing.T, gdb *gorm.DB) {
		fail, entered, release := holdFirst("q1")
		s := &fakeSender{fail: fail}
		r, err := outbox.NewRelay(outbox.RelayOptions{DB: gdb, Sender: s, PollInterval: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		handOff(t, r, gdb, false, "q1", "q2", "q3")
		<-entered
		stopped := make(chan error, 1)
		go func() { stopped <- r.Stop(context.Background()) }()
		time.Sleep(20 * time.Millisecond) // Stop has asked the goroutine to quit
		handOff(t, r, gdb, false, "q4")   // after Stop: stays in the table
		release()
		if err := <-stopped; err != nil {
			t.Fatalf("stop: %v", err)
		}
		if got := s.ids(); !slices.Equal(got, []string{"q1"}) {
			t.Fatalf("sent %v, want [q1]", got)
		}
		if got := tableIDs(t, gdb); !slices.Equal(got, []string{"q2", "q3", "q4"}) {
			t.Fatalf("table holds %v, want [q2 q3 q4]", got)
		}

		s2 := &fakeSender{}
		startRelay(t, outbox.RelayOptions{DB: gdb, Sender: s2, PollInterval: time.Hour})
		waitFor(t, 2*time.Second, "table empty", func() bool { return rows(t, gdb) == 0 })
		if got := s2.ids(); !slices.Equal(got, []string{"q2", "q3", "q4"}) {
			t.Fatalf("the next relay sent %v, want [q2 q3 q4]", got)
		}
	})
}

func TestNewRelayOptions(t *testing.T) {
	gdb := dbtest.SQLite(t, dbtest.Common())
	tests := []struct {
		name string
		o    outbox.RelayOptions
		want error
	}{
		{name: "defaults", o: outbox.RelayOptions{DB: gdb, Sender: &fakeSender{}}},
		{name: "no db", o: outbox.RelayOptions{Sender: &fakeSender{}}, want: outbox.ErrBadOptions},
		{name: "no sender", o: outbox.RelayOptions{DB: gdb}, want: outbox.ErrBadOptions},
		{name: "negative queue", o: outbox.RelayOptions{DB: gdb, Sender: &fakeSender{}, QueueSize: -1}, want: outbox.ErrBadOptions},
		{name: "negative batch", o: outbox.RelayOptions{DB: gdb, Sender: &fakeSender{}, BatchSize: -1}, want: outbox.ErrBadOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := outbox.NewRelay(tt.o); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}
