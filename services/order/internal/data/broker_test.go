package data

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/messaging"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// fakeTxSender mimics messaging.TxProducer: fail before local, or run
// local and then return commitErr (a lost END_TRANSACTION).
type fakeTxSender struct {
	sendErr   error
	commitErr error
	got       messaging.Message
}

func (f *fakeTxSender) SendInTransaction(ctx context.Context, m messaging.Message, local func(context.Context) error) error {
	f.got = m
	if f.sendErr != nil {
		return f.sendErr
	}
	if err := local(ctx); err != nil {
		return err
	}
	return f.commitErr
}

type senderFunc func(ctx context.Context, m messaging.Message) error

func (f senderFunc) Send(ctx context.Context, m messaging.Message) error { return f(ctx, m) }

func createdEvent(t *testing.T) event.Envelope {
	t.Helper()
	e, err := event.New(event.OrderCreated, "SN-1", 1, time.Now(), event.OrderCreatedPayload{UserID: "u1"})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestCreatedPublisher(t *testing.T) {
	errLocal := errors.New("insert failed")
	errBroker := errors.New("connection refused")
	tests := []struct {
		name     string
		sender   *fakeTxSender
		localErr error
		check    func(error) bool
	}{
		{"committed", &fakeTxSender{}, nil, func(err error) bool { return err == nil }},
		{"local error as is", &fakeTxSender{}, errLocal, func(err error) bool { return errors.Is(err, errLocal) }},
		{"half message refused", &fakeTxSender{sendErr: errBroker}, nil, v1.IsUnavailable},
		{"commit lost after the local commit", &fakeTxSender{commitErr: errBroker}, nil, func(err error) bool { return err == nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewCreatedPublisher(tt.sender, nil)
			err := p.PublishWithLocal(context.Background(), createdEvent(t), func(context.Context) error { return tt.localErr })
			if !tt.check(err) {
				t.Fatalf("err = %v", err)
			}
			m := tt.sender.got
			if m.Topic != "order" || m.Tag != "created" || len(m.Keys) != 2 || m.Keys[1] != "SN-1" || m.DelayLevel != 0 {
				t.Fatalf("message = %+v", m)
			}
		})
	}
}

func TestTimeoutScheduler(t *testing.T) {
	var got messaging.Message
	s := NewTimeoutScheduler(senderFunc(func(_ context.Context, m messaging.Message) error { got = m; return nil }))
	e, err := event.New(event.OrderTimeout, "SN-1", 1, time.Now(), event.OrderTimeoutPayload{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ScheduleTimeout(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if got.Topic != "order" || got.Tag != "timeout" || got.DelayLevel != 16 || got.Keys[0] != "order:timeout/SN-1/1" {
		t.Fatalf("message = %+v", got)
	}
	errBroker := errors.New("down")
	s = NewTimeoutScheduler(senderFunc(func(context.Context, messaging.Message) error { return errBroker }))
	if err := s.ScheduleTimeout(context.Background(), e); !errors.Is(err, errBroker) {
		t.Fatalf("err = %v", err)
	}
}

// existsRepo is a biz.OrderRepo whose Exists answers from a function.
type existsRepo struct {
	biz.OrderRepo
	exists func(sn string) (bool, error)
}

func (r existsRepo) Exists(_ context.Context, sn string) (bool, error) { return r.exists(sn) }

func TestChecker(t *testing.T) {
	body, err := event.Encode(createdEvent(t))
	if err != nil {
		t.Fatal(err)
	}
	repo := existsRepo{exists: func(sn string) (bool, error) {
		switch sn {
		case "SN-1":
			return true, nil
		case "SN-ERR":
			return false, errors.New("db down")
		}
		return false, nil
	}}
	tests := []struct {
		name string
		d    messaging.Delivery
		want messaging.TxState
	}{
		{"order exists", messaging.Delivery{Message: messaging.Message{Body: body}}, messaging.TxCommit},
		{"from keys", messaging.Delivery{Message: messaging.Message{Body: []byte("junk"),
			Keys: []string{"order:created/SN-1/1", "SN-1"}}}, messaging.TxCommit},
		{"no order", messaging.Delivery{Message: messaging.Message{Body: []byte("junk"),
			Keys: []string{"order:created/SN-2/1", "SN-2"}}}, messaging.TxRollback},
		{"database down", messaging.Delivery{Message: messaging.Message{Keys: []string{"SN-ERR"}}}, messaging.TxUnknown},
		{"nothing to go on", messaging.Delivery{Message: messaging.Message{Body: []byte("junk")}}, messaging.TxRollback},
	}
	check := NewChecker(repo, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := check(context.Background(), tt.d); got != tt.want {
				t.Fatalf("state = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWarmUpTx(t *testing.T) {
	f := &fakeTxSender{}
	if err := WarmUpTx(context.Background(), f); err != nil {
		t.Fatalf("warm-up: %v", err)
	}
	if f.got.Topic != "order" || f.got.Properties[warmUpProperty] == "" {
		t.Fatalf("message = %+v", f.got)
	}
	check := NewChecker(existsRepo{exists: func(string) (bool, error) {
		t.Fatal("the warm-up check-back asked the database")
		return false, nil
	}}, nil)
	if st := check(context.Background(), messaging.Delivery{Message: f.got}); st != messaging.TxRollback {
		t.Fatalf("warm-up check-back = %v", st)
	}
	errBroker := errors.New("down")
	if err := WarmUpTx(context.Background(), &fakeTxSender{sendErr: errBroker}); !errors.Is(err, errBroker) {
		t.Fatalf("err = %v", err)
	}
}
