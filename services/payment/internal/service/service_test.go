package service

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-kratos/kratos/v2/errors"
	"github.com/go-kratos/kratos/v2/log"

	"github.com/sagashop/sagashop/pkg/event"
	v1 "github.com/sagashop/sagashop/services/payment/api/payment/v1"
	"github.com/sagashop/sagashop/services/payment/internal/biz"
)

// listRepo is a biz.PaymentRepo that serves List from a fixed slice and
// fails every other call.
type listRepo struct {
	biz.PaymentRepo // nil: any other method panics
	payments        []*biz.Payment
	queries         []biz.ListQuery
}

func (r *listRepo) List(_ context.Context, q biz.ListQuery) ([]*biz.Payment, error) {
	r.queries = append(r.queries, q)
	var out []*biz.Payment
	for _, p := range r.payments {
		if p.ID > q.AfterID && (q.OrderSN == "" || p.OrderSN == q.OrderSN) && len(out) < q.Limit {
			out = append(out, p)
		}
	}
	return out, nil
}

type noOrders struct{ calls int }

func (o *noOrders) GetOrder(context.Context, string) (*biz.Order, error) {
	o.calls++
	return nil, v1.ErrorOrderNotFound("none")
}

func newService(repo biz.PaymentRepo, orders biz.Orders) *PaymentService {
	uc := biz.NewPaymentUsecase(repo, orders, nil, nil, nil, biz.Options{})
	return NewPaymentService(uc, log.DefaultLogger)
}

func TestCreatePaymentValidation(t *testing.T) {
	tests := []struct {
		name   string
		req    *v1.CreatePaymentRequest
		reason string
	}{
		{"empty order_sn", &v1.CreatePaymentRequest{Amount: 100}, "INVALID_ARGUMENT"},
		{"order_sn with slash", &v1.CreatePaymentRequest{OrderSn: "a/b", Amount: 100}, "INVALID_ARGUMENT"},
		{"order_sn with space", &v1.CreatePaymentRequest{OrderSn: "a b", Amount: 100}, "INVALID_ARGUMENT"},
		{"order_sn not ascii", &v1.CreatePaymentRequest{OrderSn: "ordré", Amount: 100}, "INVALID_ARGUMENT"},
		{"order_sn too long", &v1.CreatePaymentRequest{OrderSn: strings.Repeat("x", event.MaxOrderSNLen+1), Amount: 100}, "INVALID_ARGUMENT"},
		{"zero amount", &v1.CreatePaymentRequest{OrderSn: "O1"}, "INVALID_ARGUMENT"},
		{"negative amount", &v1.CreatePaymentRequest{OrderSn: "O1", Amount: -1}, "INVALID_ARGUMENT"},
		{"valid request reaches the order service", &v1.CreatePaymentRequest{OrderSn: "O1", Amount: 1}, "ORDER_NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orders := &noOrders{}
			_, err := newService(&listRepo{}, orders).CreatePayment(context.Background(), tt.req)
			se := errors.FromError(err)
			if se.Reason != tt.reason {
				t.Fatalf("reason %q (%v), want %q", se.Reason, err, tt.reason)
			}
			if wantCall := tt.reason == "ORDER_NOT_FOUND"; (orders.calls > 0) != wantCall {
				t.Fatalf("order service called %d times", orders.calls)
			}
		})
	}
}

func TestListPayments(t *testing.T) {
	at := time.Date(2026, 5, 9, 0, 0, 0, 0, time.UTC)
	var all []*biz.Payment
	for i := int64(1); i <= 5; i++ {
		sn := "O1"
		if i%2 == 0 {
			sn = "O2"
		}
		all = append(all, &biz.Payment{ID: i, PaymentSN: "P" + string(rune('0'+i)), OrderSN: sn, Amount: 10,
			Status: biz.PaymentSucceeded, Version: 1, CreatedAt: at, UpdatedAt: at})
	}
	tests := []struct {
		name   string
		req    *v1.ListPaymentsRequest
		reason string
		sns    string // payment_sns of the page, comma-separated
		next   string
	}{
		{"all in one page", &v1.ListPaymentsRequest{}, "", "P1,P2,P3,P4,P5", ""},
		{"first page", &v1.ListPaymentsRequest{PageSize: 2}, "", "P1,P2", "2"},
		{"middle page", &v1.ListPaymentsRequest{PageSize: 2, PageToken: "2"}, "", "P3,P4", "4"},
		{"last page", &v1.ListPaymentsRequest{PageSize: 2, PageToken: "4"}, "", "P5", ""},
		{"exact last page", &v1.ListPaymentsRequest{PageSize: 5}, "", "P1,P2,P3,P4,P5", ""},
		{"one order", &v1.ListPaymentsRequest{OrderSn: "O2"}, "", "P2,P4", ""},
		{"huge page size is capped", &v1.ListPaymentsRequest{PageSize: 5000}, "", "P1,P2,P3,P4,P5", ""},
		{"negative page size", &v1.ListPaymentsRequest{PageSize: -1}, "INVALID_ARGUMENT", "", ""},
		{"bad page token", &v1.ListPaymentsRequest{PageToken: "abc"}, "INVALID_ARGUMENT", "", ""},
		{"zero page token", &v1.ListPaymentsRequest{PageToken: "0"}, "INVALID_ARGUMENT", "", ""},
		{"bad order_sn", &v1.ListPaymentsRequest{OrderSn: "a/b"}, "INVALID_ARGUMENT", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := &listRepo{payments: all}
			reply, err := newService(repo, &noOrders{}).ListPayments(context.Background(), tt.req)
			if tt.reason != "" {
				if got := errors.FromError(err).Reason; got != tt.reason {
					t.Fatalf("reason %q (%v), want %q", got, err, tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var sns []string
			for _, p := range reply.Payments {
				sns = append(sns, p.PaymentSn)
			}
			if got := strings.Join(sns, ","); got != tt.sns || reply.NextPageToken != tt.next {
				t.Fatalf("page %q next %q, want %q next %q", got, reply.NextPageToken, tt.sns, tt.next)
			}
			if q := repo.queries[0]; q.Limit > maxPageSize+1 {
				t.Fatalf("limit %d above the cap", q.Limit)
			}
		})
	}
}
