package biz

import (
	"strings"
	"testing"
	"time"

	"github.com/go-kratos/kratos/v2/errors"
)

func TestCheckPayable(t *testing.T) {
	tests := []struct {
		name   string
		status string
		total  int64
		amount int64
		reason string
	}{
		{"awaiting payment, exact amount", OrderAwaitingPayment, 1500, 1500, ""},
		{"amount too low", OrderAwaitingPayment, 1500, 1499, "WRONG_AMOUNT"},
		{"amount too high", OrderAwaitingPayment, 1500, 1501, "WRONG_AMOUNT"},
		{"wrong amount wins over status", "CANCELLED", 1500, 1, "WRONG_AMOUNT"},
		{"created", "CREATED", 1500, 1500, "ORDER_NOT_PAYABLE"},
		{"paid", "PAID", 1500, 1500, "ORDER_NOT_PAYABLE"},
		{"cancelled", "CANCELLED", 1500, 1500, "ORDER_NOT_PAYABLE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkPayable(&Order{OrderSN: "O1", Status: tt.status, TotalAmount: tt.total}, tt.amount)
			if got := reasonOf(err); got != tt.reason {
				t.Fatalf("reason = %q, want %q (err %v)", got, tt.reason, err)
			}
		})
	}
}

func TestCheckLock(t *testing.T) {
	tests := []struct {
		name   string
		lock   OrderLock
		reason string
	}{
		{"open, unpaid", OrderLock{Status: OrderOpen}, ""},
		{"open, paid", OrderLock{Status: OrderOpen, PaymentSN: "P1"}, "ALREADY_PAID"},
		{"cancelled, unpaid", OrderLock{Status: OrderCancelled}, "ORDER_CANCELLED"},
		{"cancelled, refunded", OrderLock{Status: OrderCancelled, PaymentSN: "P1"}, "ORDER_CANCELLED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lock := tt.lock
			lock.OrderSN = "O1"
			if got := reasonOf(checkLock(&lock)); got != tt.reason {
				t.Fatalf("reason = %q, want %q", got, tt.reason)
			}
		})
	}
}

func TestPaymentCanRefund(t *testing.T) {
	tests := []struct {
		status PaymentStatus
		want   bool
	}{
		{PaymentSucceeded, true},
		{PaymentRefunded, false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			if got := (&Payment{Status: tt.status}).CanRefund(); got != tt.want {
				t.Fatalf("CanRefund = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNewPaymentSN(t *testing.T) {
	now := time.Date(2026, 5, 9, 12, 34, 56, 789_000_000, time.FixedZone("x", 3600))
	seen := make(map[string]bool)
	for i := 0; i < 10000; i++ {
		sn, err := NewPaymentSN(now)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(sn, "P20260509113456789") || len(sn) != 34 {
			t.Fatalf("sn %q: want P + UTC millis + 16 hex digits", sn)
		}
		if seen[sn] {
			t.Fatalf("duplicate sn %q", sn)
		}
		seen[sn] = true
	}
}

// reasonOf is the kratos reason of err, "" for nil.
func reasonOf(err error) string {
	if err == nil {
		return ""
	}
	return errors.Reason(err)
}
