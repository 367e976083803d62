package biz

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/idem"
)

// seed stores an order "SN1" of 2750 cents in status st at version v.
func seed(t *testing.T, store *memStore, st Status, v int64) {
	t.Helper()
	o := &Order{SN: "SN1", UserID: "u1", Status: st, Version: v, TotalAmount: 2750,
		PaymentDeadline: testNow.Add(-time.Minute), CreatedAt: testNow.Add(-31 * time.Minute)}
	if err := store.Create(context.Background(), o); err != nil {
		t.Fatal(err)
	}
}

func mustEvent(t *testing.T, typ event.Type, version int64, payload any) event.Envelope {
	t.Helper()
	e, err := event.New(typ, "SN1", version, testNow, payload)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// handler picks the use case method for an event type.
func handler(uc *OrderUsecase, typ event.Type) func(context.Context, event.Envelope) error {
	switch typ {
	case event.StockReserved:
		return uc.HandleStockReserved
	case event.StockRejected:
		return uc.HandleStockRejected
	case event.PaymentSucceeded:
		return uc.HandlePaymentSucceeded
	case event.OrderTimeout:
		return uc.HandleTimeout
	}
	return nil
}

func TestHandlers(t *testing.T) {
	paid := event.PaymentSucceededPayload{PaymentSN: "P1", Amount: 2750}
	timeout := event.OrderTimeoutPayload{PaymentDeadline: testNow.Add(-time.Minute)}
	tests := []struct {
		name       string
		from       Status
		typ        event.Type
		payload    any
		wantErr    error
		want       Status
		wantReason string
		announce   event.Type // "" for none
		claimed    bool
	}{
		{"reserved", StatusCreated, event.StockReserved, nil, nil, StatusAwaitingPayment, "", "", true},
		{"reserved after timeout", StatusCancelled, event.StockReserved, nil, nil, StatusCancelled, "", "", true},
		{"rejected", StatusCreated, event.StockRejected, event.StockRejectedPayload{SKU: "SKU-A", Requested: 5}, nil,
			StatusCancelled, event.ReasonOutOfStock, event.OrderCancelled, true},
		{"paid", StatusAwaitingPayment, event.PaymentSucceeded, paid, nil, StatusPaid, "", event.OrderPaid, true},
		{"payment before reservation", StatusCreated, event.PaymentSucceeded, paid, ErrNotReady, StatusCreated, "", "", false},
		{"payment on cancelled", StatusCancelled, event.PaymentSucceeded, paid, nil, StatusCancelled, "", "", true},
		{"timeout awaiting", StatusAwaitingPayment, event.OrderTimeout, timeout, nil,
			StatusCancelled, event.ReasonPaymentTimeout, event.OrderCancelled, true},
		{"timeout created", StatusCreated, event.OrderTimeout, timeout, nil,
			StatusCancelled, event.ReasonPaymentTimeout, event.OrderCancelled, true},
		// A closed order ignores its timeout without a transaction or a claim.
		{"timeout paid", StatusPaid, event.OrderTimeout, timeout, nil, StatusPaid, "", "", false},
		{"timeout cancelled", StatusCancelled, event.OrderTimeout, timeout, nil, StatusCancelled, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore()
			seed(t, store, tt.from, 2)
			uc := newTestUsecase(t, store)
			e := mustEvent(t, tt.typ, 3, tt.payload)
			h := handler(uc, tt.typ)
			err := h(context.Background(), e)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			o := store.order("SN1")
			wantVersion := int64(2)
			if tt.want != tt.from {
				wantVersion = 3
			}
			if o.Status != tt.want || o.CancelReason != tt.wantReason || o.Version != wantVersion {
				t.Fatalf("order = %s(%s) v%d, want %s(%s) v%d", o.Status, o.CancelReason, o.Version, tt.want, tt.wantReason, wantVersion)
			}
			if tt.want == StatusPaid && tt.from != StatusPaid && o.PaymentSN != "P1" {
				t.Fatalf("payment_sn = %q", o.PaymentSN)
			}
			if store.claimed[e.EventID] != tt.claimed {
				t.Fatalf("claimed = %v, want %v", store.claimed[e.EventID], tt.claimed)
			}
			out := store.published()
			if tt.announce == "" {
				if len(out) != 0 {
					t.Fatalf("published %+v", out)
				}
				return
			}
			if len(out) != 1 || out[0].EventID != event.ID(tt.announce, "SN1", 3) {
				t.Fatalf("published %+v, want one %s at version 3", out, tt.announce)
			}
			// the same message again changes nothing
			if err := h(context.Background(), e); err != nil {
				t.Fatal(err)
			}
			if again := store.order("SN1"); again.Version != 3 || len(store.published()) != 1 {
				t.Fatalf("redelivery changed the order: v%d, %d events", again.Version, len(store.published()))
			}
		})
	}
}

func TestTimeoutOfClosedOrderTakesNoTransaction(t *testing.T) {
	for _, st := range []Status{StatusPaid, StatusCancelled} {
		store := newMemStore()
		seed(t, store, st, 3)
		uc := newTestUsecase(t, store)
		e := mustEvent(t, event.OrderTimeout, 1, event.OrderTimeoutPayload{PaymentDeadline: testNow.Add(-time.Minute)})
		if err := uc.HandleTimeout(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		if store.txs != 0 {
			t.Fatalf("%s: %d transactions, want none", st, store.txs)
		}
	}
	// An open order still goes through the claimed transaction.
	store := newMemStore()
	seed(t, store, StatusAwaitingPayment, 2)
	uc := newTestUsecase(t, store)
	e := mustEvent(t, event.OrderTimeout, 1, event.OrderTimeoutPayload{PaymentDeadline: testNow.Add(-time.Minute)})
	if err := uc.HandleTimeout(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if store.txs != 1 || !store.claimed[e.EventID] || store.order("SN1").Status != StatusCancelled {
		t.Fatalf("txs %d, claimed %v, status %s", store.txs, store.claimed[e.EventID], store.order("SN1").Status)
	}
}

func TestHandlerPayloads(t *testing.T) {
	store := newMemStore()
	seed(t, store, StatusAwaitingPayment, 2)
	uc := newTestUsecase(t, store)
	if err := uc.HandlePaymentSucceeded(context.Background(), mustEvent(t, event.PaymentSucceeded, 1,
		event.PaymentSucceededPayload{PaymentSN: "P9", Amount: 2750})); err != nil {
		t.Fatal(err)
	}
	var p event.OrderPaidPayload
	if err := store.published()[0].Unmarshal(&p); err != nil || p != (event.OrderPaidPayload{PaymentSN: "P9", Amount: 2750}) {
		t.Fatalf("order:paid payload = %+v, %v", p, err)
	}

	store = newMemStore()
	seed(t, store, StatusCreated, 1)
	uc = newTestUsecase(t, store)
	if err := uc.HandleStockRejected(context.Background(), mustEvent(t, event.StockRejected, 1, nil)); err != nil {
		t.Fatal(err)
	}
	var c event.OrderCancelledPayload
	if err := store.published()[0].Unmarshal(&c); err != nil || c.Reason != event.ReasonOutOfStock {
		t.Fatalf("order:cancelled payload = %+v, %v", c, err)
	}
}

func TestHandleBadPayload(t *testing.T) {
	store := newMemStore()
	seed(t, store, StatusAwaitingPayment, 2)
	uc := newTestUsecase(t, store)
	e := mustEvent(t, event.PaymentSucceeded, 1, map[string]any{"amount": "not a number"})
	if err := uc.HandlePaymentSucceeded(context.Background(), e); !errors.Is(err, ErrBadEvent) {
		t.Fatalf("err = %v, want ErrBadEvent", err)
	}
}

func TestHandleUnknownOrderAcks(t *testing.T) {
	store := newMemStore()
	uc := newTestUsecase(t, store)
	if err := uc.HandleStockReserved(context.Background(), mustEvent(t, event.StockReserved, 1, nil)); err != nil {
		t.Fatalf("err = %v, want nil (ack)", err)
	}
}

// TestVersionConflict covers the optimistic lock: another writer changes
// the order between the read and the update.
func TestVersionConflict(t *testing.T) {
	tests := []struct {
		name      string
		from      Status
		typ       event.Type
		payload   any
		race      func(store *memStore) // the concurrent writer's change, applied on the first Update
		conflicts int                   // how many Updates fail; 0 = until retries are exhausted
		want      Status
		wantErr   error
	}{
		{name: "retry succeeds", from: StatusCreated, typ: event.StockReserved, conflicts: 2, want: StatusAwaitingPayment},
		{name: "timeout wins the race against a payment", from: StatusAwaitingPayment, typ: event.PaymentSucceeded,
			payload: event.PaymentSucceededPayload{PaymentSN: "P1", Amount: 2750},
			race: func(store *memStore) {
				o := store.orders["SN1"]
				o.Status, o.CancelReason, o.Version = StatusCancelled, event.ReasonPaymentTimeout, o.Version+1
				store.orders["SN1"] = o
			},
			conflicts: 1, want: StatusCancelled},
		{name: "retries exhausted", from: StatusCreated, typ: event.StockRejected, want: StatusCreated, wantErr: idem.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore()
			seed(t, store, tt.from, 2)
			failed := 0
			store.onUpdate = func(sn string, version int64) error {
				if tt.conflicts > 0 && failed >= tt.conflicts {
					return nil
				}
				failed++
				if tt.race != nil && failed == 1 {
					store.mu.Lock()
					store.elsewhere = tt.race
					store.mu.Unlock()
				}
				return fmt.Errorf("orders %s version %d: %w", sn, version, idem.ErrConflict)
			}
			uc := newTestUsecase(t, store, func(o *Options) { o.RetryAttempts = 4 })
			e := mustEvent(t, tt.typ, 5, tt.payload)
			err := handler(uc, tt.typ)(context.Background(), e)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got := store.order("SN1").Status; got != tt.want {
				t.Fatalf("status = %s, want %s", got, tt.want)
			}
			if store.claimed[e.EventID] != (tt.wantErr == nil) {
				t.Fatalf("claimed = %v after err %v", store.claimed[e.EventID], err)
			}
			if tt.wantErr != nil && failed != 4 {
				t.Fatalf("%d attempts, want 4", failed)
			}
			if n := len(store.published()); n != 0 {
				t.Fatalf("%d events published, want none", n)
			}
		})
	}
}

func TestScheduleTimeout(t *testing.T) {
	store := newMemStore()
	var got []event.Envelope
	errBroker := errors.New("broker down")
	fail := true
	uc := newTestUsecase(t, store, func(o *Options) {
		o.Timeouts = fakeTimeouts{schedule: func(e event.Envelope) error {
			if fail {
				return errBroker
			}
			got = append(got, e)
			return nil
		}}
	})
	deadline := testNow.Add(30 * time.Minute).UTC()
	created := mustEvent(t, event.OrderCreated, 1, event.OrderCreatedPayload{UserID: "u1", PaymentDeadline: deadline})
	if err := uc.ScheduleTimeout(context.Background(), created); !errors.Is(err, errBroker) {
		t.Fatalf("err = %v, want the broker's error (message retried)", err)
	}
	fail = false
	if err := uc.ScheduleTimeout(context.Background(), created); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].EventID != event.ID(event.OrderTimeout, "SN1", 1) || got[0].Type != event.OrderTimeout {
		t.Fatalf("scheduled %+v", got)
	}
	var p event.OrderTimeoutPayload
	if err := got[0].Unmarshal(&p); err != nil || !p.PaymentDeadline.Equal(deadline) {
		t.Fatalf("payload = %+v, %v", p, err)
	}
}
