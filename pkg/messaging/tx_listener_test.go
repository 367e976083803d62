package messaging

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// newFakeTxProducer returns a started TxProducer over a fakeTxClient.
func newFakeTxProducer(t *testing.T, check Checker) (*TxProducer, *fakeTxClient) {
	t.Helper()
	o, err := ProducerOptions{NameServers: []string{"127.0.0.1:9876"}, Group: "tx", Logger: &recLogger{}}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	p := newTxProducer(o, check)
	f := &fakeTxClient{listener: txListener{p}, status: primitive.SendOK}
	p.client = f
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Shutdown() })
	return p, f
}

var txMsg = Message{Topic: "order", Tag: "created", Keys: []string{"k"}, Body: []byte("b")}

func TestSendInTransactionOutcome(t *testing.T) {
	errLocal := errors.New("local failed")
	errSend := errors.New("connection refused")
	tests := []struct {
		name      string
		local     error
		status    primitive.SendStatus
		sendErr   error
		wantErr   error // errors.Is; nil for success
		wantLocal bool
		wantEnd   []primitive.LocalTransactionState
	}{
		{"commit", nil, primitive.SendOK, nil, nil, true, []primitive.LocalTransactionState{primitive.CommitMessageState}},
		{"local error rolls back", errLocal, primitive.SendOK, nil, errLocal, true, []primitive.LocalTransactionState{primitive.RollbackMessageState}},
		{"send error", nil, primitive.SendOK, errSend, errSend, false, nil},
		{"flush timeout", nil, primitive.SendFlushDiskTimeout, nil, ErrSendFailed, false, []primitive.LocalTransactionState{primitive.RollbackMessageState}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var checks atomic.Int32
			p, f := newFakeTxProducer(t, func(context.Context, Delivery) TxState { checks.Add(1); return TxCommit })
			f.status, f.sendErr = tt.status, tt.sendErr
			var ran bool
			err := p.SendInTransaction(context.Background(), txMsg, func(context.Context) error { ran = true; return tt.local })
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("error = %v", err)
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			case tt.wantErr == errLocal && err != errLocal:
				t.Fatalf("error = %v, want local's error unchanged", err)
			case tt.sendErr != nil && !errors.Is(err, ErrSendFailed):
				t.Fatalf("error = %v, want ErrSendFailed", err)
			}
			if ran != tt.wantLocal {
				t.Errorf("local ran = %v, want %v", ran, tt.wantLocal)
			}
			if fmt.Sprint(f.ended) != fmt.Sprint(tt.wantEnd) {
				t.Errorf("ended %v, want %v", f.ended, tt.wantEnd)
			}
			if checks.Load() != 0 {
				t.Errorf("Checker called %d times", checks.Load())
			}
			if n := mapLen(&p.calls); n != 0 {
				t.Errorf("%d calls left in flight", n)
			}
		})
	}
}

func TestCheckBackInFlight(t *testing.T) {
	var checks atomic.Int32
	p, f := newFakeTxProducer(t, func(context.Context, Delivery) TxState { checks.Add(1); return TxRollback })
	l := txListener{p}
	var during, after primitive.LocalTransactionState
	var sent *primitive.Message
	f.beforeLocal = func(m *primitive.Message) { sent = m }
	f.afterLocal = func(m *primitive.Message) { after = l.CheckLocalTransaction(halfOf(m)) }
	err := p.SendInTransaction(context.Background(), txMsg, func(context.Context) error {
		// The broker's check-back arrives on another goroutine.
		var wg sync.WaitGroup
		wg.Go(func() { during = l.CheckLocalTransaction(halfOf(sent)) })
		wg.Wait()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if during != primitive.UnknowState || after != primitive.CommitMessageState {
		t.Errorf("check-back while local runs = %v, after it committed = %v; want UNKNOWN then COMMIT", during, after)
	}
	if checks.Load() != 0 {
		t.Errorf("Checker called %d times for a transaction in flight", checks.Load())
	}
}

func mapLen(m *sync.Map) int {
	n := 0
	m.Range(func(any, any) bool { n++; return true })
	return n
}

func TestCheckBackAsksChecker(t *testing.T) {
	tests := []struct {
		name  string
		check Checker
		want  primitive.LocalTransactionState
	}{
		{"commit", func(context.Context, Delivery) TxState { return TxCommit }, primitive.CommitMessageState},
		{"rollback", func(context.Context, Delivery) TxState { return TxRollback }, primitive.RollbackMessageState},
		{"unknown", func(context.Context, Delivery) TxState { return TxUnknown }, primitive.UnknowState},
		{"out of range", func(context.Context, Delivery) TxState { return 7 }, primitive.UnknowState},
		{"panic", func(context.Context, Delivery) TxState { panic("db gone") }, primitive.UnknowState},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Delivery
			p, _ := newFakeTxProducer(t, func(ctx context.Context, d Delivery) TxState { got = d; return tt.check(ctx, d) })
			pm, err := txMsg.toPrimitive()
			if err != nil {
				t.Fatal(err)
			}
			pm.WithProperty(propTxRef, "someone-else/1") // a send of another process
			if s := (txListener{p}).CheckLocalTransaction(halfOf(pm)); s != tt.want {
				t.Errorf("state = %v, want %v", s, tt.want)
			}
			if got.Topic != "order" || got.Tag != "created" || fmt.Sprint(got.Keys) != "[k]" || string(got.Body) != "b" {
				t.Errorf("Checker got %+v", got)
			}
		})
	}
}

func TestCheckBackAfterShutdown(t *testing.T) {
	var checks atomic.Int32
	p, _ := newFakeTxProducer(t, func(context.Context, Delivery) TxState { checks.Add(1); return TxCommit })
	p.Shutdown()
	pm, _ := txMsg.toPrimitive()
	if s := (txListener{p}).CheckLocalTransaction(halfOf(pm)); s != primitive.UnknowState || checks.Load() != 0 {
		t.Errorf("after Shutdown: state %v, %d checks; want UNKNOWN and none", s, checks.Load())
	}
	if err := p.SendInTransaction(context.Background(), txMsg, func(context.Context) error { return nil }); !errors.Is(err, ErrShutdown) {
		t.Errorf("SendInTransaction after Shutdown = %v, want ErrShutdown", err)
	}
}

func TestSendInTransactionRefused(t *testing.T) {
	o, _ := ProducerOptions{NameServers: []string{"127.0.0.1:9876"}, Group: "tx"}.withDefaults()
	p := newTxProducer(o, func(context.Context, Delivery) TxState { return TxUnknown })
	p.client = &fakeTxClient{listener: txListener{p}}
	local := func(context.Context) error { return nil }
	if err := p.SendInTransaction(context.Background(), txMsg, local); !errors.Is(err, ErrNotStarted) {
		t.Errorf("before Start: %v, want ErrNotStarted", err)
	}
	p.Start()
	if err := p.SendInTransaction(context.Background(), txMsg, nil); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("nil local: %v, want ErrInvalidMessage", err)
	}
	if err := p.SendInTransaction(context.Background(), Message{Topic: "order"}, local); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("empty body: %v, want ErrInvalidMessage", err)
	}
}

// TestSendInTransactionConcurrent runs sends and check-backs at once for
// the race detector.
func TestSendInTransactionConcurrent(t *testing.T) {
	p, f := newFakeTxProducer(t, func(context.Context, Delivery) TxState { return TxRollback })
	l := txListener{p}
	var checks sync.WaitGroup
	defer checks.Wait()
	f.beforeLocal = func(m *primitive.Message) {
		half := halfOf(m)
		checks.Go(func() { l.CheckLocalTransaction(half) })
	}
	f.afterLocal = f.beforeLocal
	errOdd := errors.New("odd")
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			err := p.SendInTransaction(context.Background(), txMsg, func(context.Context) error {
				if i%2 == 1 {
					return errOdd
				}
				return nil
			})
			if (i%2 == 1) != (err == errOdd) {
				t.Errorf("send %d: %v", i, err)
			}
		})
	}
	wg.Wait()
}
