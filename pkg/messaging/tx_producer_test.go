package messaging

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
)

// inProgress is logged when a check-back finds its transaction in flight.
const inProgress = "check-back for a transaction in progress"

// TestSendInTransaction runs a transaction that commits, one whose local
// fails (rolled back: never delivered), and one whose local outlives the
// broker's check-back: the check-backs meanwhile are answered UNKNOWN
// without asking the Checker, and the commit then delivers the message.
func TestSendInTransaction(t *testing.T) {
	needClient(t)
	c := testCluster(t)
	topic := uniqName("tx")
	ensure(t, c, topic)
	var in inbox
	startConsumer(t, c, sub{topic, "*", in.handle})
	var checks atomic.Int32
	logs := &recLogger{}
	p := startTxProducer(t, c, func(context.Context, Delivery) TxState { checks.Add(1); return TxCommit }, logs)

	errLocal := errors.New("insert failed")
	tests := []struct {
		name      string
		local     func(ctx context.Context) error
		wantErr   error
		delivered bool
	}{
		{"commit", func(context.Context) error { return nil }, nil, true},
		{"local error rolls back", func(context.Context) error { return errLocal }, errLocal, false},
		{"local outlives the check", func(ctx context.Context) error {
			// Block until the broker checked back (after txImmunity).
			eventually(40*time.Second, func() bool { return logs.count(inProgress) > 0 })
			return nil
		}, nil, true},
	}
	var wg sync.WaitGroup
	for _, tt := range tests {
		wg.Go(func() {
			m := Message{Topic: topic, Tag: "created", Keys: []string{strings.ReplaceAll(tt.name, " ", "-")}, Body: []byte(tt.name)}
			err := p.SendInTransaction(context.Background(), m, tt.local)
			if err != tt.wantErr { // local's error comes back unchanged
				t.Errorf("%s: SendInTransaction = %v, want %v", tt.name, err, tt.wantErr)
			}
		})
	}
	wg.Wait()
	in.wait(t, 1, 45*time.Second, "commit", "local outlives the check")
	time.Sleep(txImmunity + 3*txCheckEvery) // a rolled-back message would be checked and delivered by now
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := len(in.of(tt.name)); n != map[bool]int{true: 1}[tt.delivered] {
				t.Errorf("delivered %d times, want delivered=%v", n, tt.delivered)
			}
		})
	}
	if n := logs.count(inProgress); n == 0 {
		t.Errorf("no check-back arrived while local ran; logs %q", logs.lines)
	}
	if n := checks.Load(); n != 0 {
		t.Errorf("Checker called %d times, want 0: every check-back was for a transaction in flight", n)
	}
}

// TestCheckBack leaves half messages for the broker to check back (sent
// raw, as a producer that crashed after sending them would leave them):
// the Checker decides from the delivery's keys.
func TestCheckBack(t *testing.T) {
	needClient(t)
	c := testCluster(t)
	topic := uniqName("check")
	ensure(t, c, topic)
	var in inbox
	startConsumer(t, c, sub{topic, "*", in.handle})
	var mu sync.Mutex
	asked := map[string]int{}
	decide := map[string]func(n int) TxState{
		"commit":   func(int) TxState { return TxCommit },
		"rollback": func(int) TxState { return TxRollback },
		"unknown then commit": func(n int) TxState {
			if n == 1 {
				return TxUnknown
			}
			return TxCommit
		},
	}
	p := startTxProducer(t, c, func(_ context.Context, d Delivery) TxState {
		mu.Lock()
		defer mu.Unlock()
		key := string(d.Body)
		asked[key]++
		if d.Topic != topic || d.Tag != "created" || len(d.Keys) != 1 || d.Keys[0] != "SN-"+d.Properties["n"] {
			t.Errorf("Checker got %+v", d)
		}
		return decide[key](asked[key])
	}, nil)
	// The producer heartbeats the brokers it knows a second after Start;
	// a send now makes it know ours, so check-backs can find it.
	if err := p.SendInTransaction(context.Background(), Message{Topic: topic, Body: []byte("warm-up")},
		func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}

	cl, err := admin.New([]string{c.NamesrvAddr})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	tests := []struct {
		name      string
		delivered bool
		checks    int // at least
	}{
		{"commit", true, 1},
		{"rollback", false, 1},
		{"unknown then commit", true, 2},
	}
	for i, tt := range tests {
		n := string(rune('0' + i))
		half := admin.OutgoingMessage{Topic: topic, Body: []byte(tt.name), Tags: "created", Keys: []string{"SN-" + n},
			Properties: map[string]string{"TRAN_MSG": "true", "PGROUP": p.opts.Group, "n": n}}
		opts := admin.DefaultSendOptions()
		opts.ProducerGroup = p.opts.Group
		if _, err := cl.SendMessage(context.Background(), half, opts); err != nil {
			t.Fatal(err)
		}
	}
	// 45s: had the producer missed its first heartbeat (1s after Start),
	// the broker would find it only at the next, 30s later.
	in.wait(t, 1, 45*time.Second, "commit", "unknown then commit")
	time.Sleep(2 * txCheckEvery)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			n := asked[tt.name]
			mu.Unlock()
			if n < tt.checks {
				t.Errorf("checked %d times, want at least %d", n, tt.checks)
			}
			if got := len(in.of(tt.name)); got != map[bool]int{true: 1}[tt.delivered] {
				t.Errorf("delivered %d times, want delivered=%v", got, tt.delivered)
			}
		})
	}
}
