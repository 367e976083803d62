package biz

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
)

func TestCreateOrder(t *testing.T) {
	store := newMemStore()
	var sent []event.Envelope
	uc := newTestUsecase(t, store, func(o *Options) {
		o.Created = fakeCreated{publish: func(ctx context.Context, e event.Envelope, local func(context.Context) error) error {
			sent = append(sent, e)
			return local(ctx)
		}}
	})
	o, err := uc.CreateOrder(context.Background(), "u1", []LineInput{{SKU: "SKU-B", Quantity: 2}, {SKU: "SKU-A", Quantity: 3}})
	if err != nil {
		t.Fatal(err)
	}
	now := testNow.Truncate(time.Microsecond)
	stored := store.order(o.SN)
	if stored.Status != StatusCreated || stored.Version != 1 || stored.TotalAmount != 2750 || stored.UserID != "u1" ||
		!stored.CreatedAt.Equal(now) || !stored.PaymentDeadline.Equal(now.Add(30*time.Minute)) {
		t.Fatalf("stored order = %+v", stored)
	}
	wantItems := []Item{{"SKU-B", "Banana", 2, 1000}, {"SKU-A", "Apple", 3, 250}}
	if !slices.Equal(stored.Items, wantItems) {
		t.Fatalf("items = %+v, want %+v", stored.Items, wantItems)
	}
	if len(sent) != 1 || sent[0].EventID != event.ID(event.OrderCreated, o.SN, 1) {
		t.Fatalf("sent = %+v", sent)
	}
	var p event.OrderCreatedPayload
	if err := sent[0].Unmarshal(&p); err != nil {
		t.Fatal(err)
	}
	if p.UserID != "u1" || p.TotalAmount != 2750 || len(p.Lines) != 2 || p.Lines[0] != (event.Line{SKU: "SKU-B", Quantity: 2, UnitPrice: 1000}) ||
		!p.PaymentDeadline.Equal(stored.PaymentDeadline) {
		t.Fatalf("payload = %+v", p)
	}
}

func TestCreateOrderFailures(t *testing.T) {
	errDown := v1.ErrorUnavailable("inventory down")
	errSend := errors.New("half message refused")
	tests := []struct {
		name    string
		lines   []LineInput
		opt     func(*Options)
		check   func(error) bool
		attempt int // PublishWithLocal calls
	}{
		{name: "unknown sku", lines: []LineInput{{"SKU-A", 1}, {"NOPE", 1}}, check: v1.IsUnknownSku},
		{name: "inventory unavailable", lines: []LineInput{{"SKU-A", 1}},
			opt: func(o *Options) {
				o.Catalogue = fakeCatalogue{products: func([]string) (map[string]Product, error) { return nil, errDown }}
			}, check: v1.IsUnavailable},
		{name: "total overflows", lines: []LineInput{{"SKU-A", math.MaxInt32}},
			opt: func(o *Options) {
				o.Catalogue = catalogueOf(Product{SKU: "SKU-A", Price: math.MaxInt64 / 1000})
			}, check: v1.IsInvalidArgument},
		{name: "half message fails", lines: []LineInput{{"SKU-A", 1}},
			opt: func(o *Options) {
				o.Created = fakeCreated{publish: func(context.Context, event.Envelope, func(context.Context) error) error { return errSend }}
			}, check: func(err error) bool { return errors.Is(err, errSend) }, attempt: 1},
		{name: "order_sn always taken", lines: []LineInput{{"SKU-A", 1}},
			opt:   func(o *Options) { o.NewSN = func(time.Time) (string, error) { return "SAME", nil } },
			check: func(err error) bool { return errors.Is(err, ErrDuplicateSN) }, attempt: snAttempts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore()
			if err := store.Create(context.Background(), &Order{SN: "SAME"}); err != nil {
				t.Fatal(err)
			}
			attempts := 0
			uc := newTestUsecase(t, store, func(o *Options) {
				if tt.opt != nil {
					tt.opt(o)
				}
				base := o.Created
				o.Created = fakeCreated{publish: func(ctx context.Context, e event.Envelope, local func(context.Context) error) error {
					attempts++
					return base.PublishWithLocal(ctx, e, local)
				}}
			})
			_, err := uc.CreateOrder(context.Background(), "u1", tt.lines)
			if err == nil || !tt.check(err) {
				t.Fatalf("err = %v", err)
			}
			if len(store.orders) != 1 {
				t.Fatalf("%d orders stored, want only the one before", len(store.orders))
			}
			if tt.attempt != 0 && attempts != tt.attempt {
				t.Fatalf("%d placements, want %d", attempts, tt.attempt)
			}
		})
	}
}

func TestCreateOrderRetriesTakenSN(t *testing.T) {
	store := newMemStore()
	sns := []string{"SN1", "SN1", "SN2"}
	uc := newTestUsecase(t, store, func(o *Options) {
		o.NewSN = func(time.Time) (string, error) { sn := sns[0]; sns = sns[1:]; return sn, nil }
	})
	first, err := uc.CreateOrder(context.Background(), "u1", []LineInput{{"SKU-A", 1}})
	if err != nil || first.SN != "SN1" {
		t.Fatalf("first = %v, %v", first, err)
	}
	second, err := uc.CreateOrder(context.Background(), "u2", []LineInput{{"SKU-A", 1}})
	if err != nil || second.SN != "SN2" {
		t.Fatalf("second = %v, %v", second, err)
	}
	if got := store.order("SN1").UserID; got != "u1" {
		t.Fatalf("SN1 belongs to %q", got)
	}
}

// TestCreateOrderFaultPoints checks where the fault points fire: the first
// inside the local transaction (order inserted, not committed), the second
// after its commit and before PublishWithLocal commits the message.
func TestCreateOrderFaultPoints(t *testing.T) {
	store := newMemStore()
	var trace []string
	inTx := false
	uc := newTestUsecase(t, store, func(o *Options) {
		o.Tx = txFunc(func(ctx context.Context, fn func(context.Context) error) error {
			inTx = true
			err := store.InTx(ctx, fn)
			inTx = false
			trace = append(trace, "local commit")
			return err
		})
		o.Created = fakeCreated{publish: func(ctx context.Context, e event.Envelope, local func(context.Context) error) error {
			trace = append(trace, "half")
			if err := local(ctx); err != nil {
				return err
			}
			trace = append(trace, "end transaction")
			return nil
		}}
		o.Fault = func(point string) {
			if point == FaultBeforeLocalCommit && !inTx {
				t.Errorf("%s outside the transaction", point)
			}
			if point == FaultBeforeLocalCommit && len(store.orders) != 1 {
				t.Errorf("%s before the insert", point)
			}
			trace = append(trace, point)
		}
	})
	if _, err := uc.CreateOrder(context.Background(), "u1", []LineInput{{"SKU-A", 1}}); err != nil {
		t.Fatal(err)
	}
	want := []string{"half", FaultBeforeLocalCommit, "local commit", FaultAfterLocalCommit, "end transaction"}
	if !slices.Equal(trace, want) {
		t.Fatalf("trace = %q, want %q", trace, want)
	}
}

// txFunc adapts a function to Transaction.
type txFunc func(ctx context.Context, fn func(context.Context) error) error

func (f txFunc) InTx(ctx context.Context, fn func(context.Context) error) error { return f(ctx, fn) }
