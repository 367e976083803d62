package biz

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
)

func TestSweep(t *testing.T) {
	store := newMemStore()
	grace := 5 * time.Minute
	orders := []struct {
		sn       string
		status   Status
		deadline time.Time
		want     Status
	}{
		{"OVERDUE-CREATED", StatusCreated, testNow.Add(-grace - time.Second), StatusCancelled},
		{"OVERDUE-AWAITING", StatusAwaitingPayment, testNow.Add(-time.Hour), StatusCancelled},
		{"IN-GRACE", StatusAwaitingPayment, testNow.Add(-grace + time.Second), StatusAwaitingPayment},
		{"NOT-DUE", StatusCreated, testNow.Add(time.Minute), StatusCreated},
		{"PAID", StatusPaid, testNow.Add(-time.Hour), StatusPaid},
	}
	for _, o := range orders {
		if err := store.Create(context.Background(), &Order{SN: o.sn, Status: o.status, Version: 1, PaymentDeadline: o.deadline}); err != nil {
			t.Fatal(err)
		}
	}
	// many more overdue orders than one batch
	for i := 0; i < 2*sweepBatch+5; i++ {
		if err := store.Create(context.Background(), &Order{SN: fmt.Sprintf("BULK-%03d", i), Status: StatusCreated, Version: 1,
			PaymentDeadline: testNow.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	uc := newTestUsecase(t, store)
	n, err := uc.Sweep(context.Background(), grace)
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 + 2*sweepBatch + 5; n != want {
		t.Fatalf("cancelled %d, want %d", n, want)
	}
	for _, o := range orders {
		got := store.order(o.sn)
		if got.Status != o.want {
			t.Errorf("%s: %s, want %s", o.sn, got.Status, o.want)
		}
		if o.want == StatusCancelled && (got.CancelReason != event.ReasonPaymentTimeout || got.Version != 2) {
			t.Errorf("%s: %s v%d", o.sn, got.CancelReason, got.Version)
		}
	}
	if got := len(store.published()); got != n {
		t.Fatalf("%d order:cancelled events, want %d", got, n)
	}
	if n, err := uc.Sweep(context.Background(), grace); err != nil || n != 0 {
		t.Fatalf("second sweep cancelled %d, %v", n, err)
	}
}
