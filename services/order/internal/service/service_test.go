package service

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	kerrors "github.com/go-kratos/kratos/v2/errors"

	"github.com/sagashop/sagashop/pkg/idem"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

func items(n int) []*v1.CreateOrderItem {
	out := make([]*v1.CreateOrderItem, n)
	for i := range out {
		out[i] = &v1.CreateOrderItem{Sku: fmt.Sprintf("SKU-%03d", i), Quantity: 1}
	}
	return out
}

func TestCreateOrderValidation(t *testing.T) {
	one := []*v1.CreateOrderItem{{Sku: "SKU-A", Quantity: 1}}
	tests := []struct {
		name string
		req  *v1.CreateOrderRequest
	}{
		{"empty user", &v1.CreateOrderRequest{Items: one}},
		{"long user", &v1.CreateOrderRequest{UserId: strings.Repeat("u", 65), Items: one}},
		{"user with space", &v1.CreateOrderRequest{UserId: "a b", Items: one}},
		{"no items", &v1.CreateOrderRequest{UserId: "u1"}},
		{"too many items", &v1.CreateOrderRequest{UserId: "u1", Items: items(MaxLines + 1)}},
		{"empty sku", &v1.CreateOrderRequest{UserId: "u1", Items: []*v1.CreateOrderItem{{Quantity: 1}}}},
		{"sku with slash", &v1.CreateOrderRequest{UserId: "u1", Items: []*v1.CreateOrderItem{{Sku: "A/B", Quantity: 1}}}},
		{"zero quantity", &v1.CreateOrderRequest{UserId: "u1", Items: []*v1.CreateOrderItem{{Sku: "SKU-A"}}}},
		{"negative quantity", &v1.CreateOrderRequest{UserId: "u1", Items: []*v1.CreateOrderItem{{Sku: "SKU-A", Quantity: -3}}}},
		{"duplicate sku", &v1.CreateOrderRequest{UserId: "u1", Items: []*v1.CreateOrderItem{{Sku: "SKU-A", Quantity: 1}, {Sku: "SKU-A", Quantity: 2}}}},
	}
	s := newService(t, &ports{}) // any port call fails the case
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreateOrder(context.Background(), tt.req)
			if !v1.IsInvalidArgument(err) || kerrors.Code(err) != 400 {
				t.Fatalf("err = %v, want 400 INVALID_ARGUMENT", err)
			}
		})
	}
}

func TestCreateOrderMaxLinesAccepted(t *testing.T) {
	p := &ports{
		products: func(skus []string) (map[string]biz.Product, error) {
			out := map[string]biz.Product{}
			for _, sku := range skus {
				out[sku] = biz.Product{SKU: sku, Name: "n", Price: 100}
			}
			return out, nil
		},
		create: func(*biz.Order) error { return nil },
	}
	s := newService(t, p)
	o, err := s.CreateOrder(context.Background(), &v1.CreateOrderRequest{UserId: "u1", Items: items(MaxLines)})
	if err != nil {
		t.Fatal(err)
	}
	if o.GetStatus() != "CREATED" || o.GetTotalAmount() != 100*MaxLines || len(o.GetItems()) != MaxLines || o.GetVersion() != 1 {
		t.Fatalf("order = %v", o)
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name     string
		p        *ports
		call     func(s *OrderService) error
		wantCode int
		reason   string
	}{
		{"unknown sku", &ports{products: func([]string) (map[string]biz.Product, error) {
			return nil, v1.ErrorUnknownSku("unknown sku %q", "NOPE")
		}}, createOne, 400, "UNKNOWN_SKU"},
		{"inventory down", &ports{products: func([]string) (map[string]biz.Product, error) {
			return nil, v1.ErrorUnavailable("inventory: connection refused")
		}}, createOne, 503, "UNAVAILABLE"},
		{"database failure is internal", &ports{
			products: func(skus []string) (map[string]biz.Product, error) {
				return map[string]biz.Product{"SKU-A": {SKU: "SKU-A", Price: 1}}, nil
			},
			create: func(*biz.Order) error { return fmt.Errorf("disk full") },
		}, createOne, 500, "INTERNAL"},
		{"conflict", &ports{list: func(biz.ListQuery) ([]*biz.Order, error) {
			return nil, fmt.Errorf("busy: %w", idem.ErrConflict)
		}}, func(s *OrderService) error {
			_, err := s.ListOrders(context.Background(), &v1.ListOrdersRequest{})
			return err
		}, 409, "CONFLICT"},
		{"order not found", &ports{get: notFound}, func(s *OrderService) error {
			_, err := s.GetOrder(context.Background(), &v1.GetOrderRequest{OrderSn: "NOPE"})
			return err
		}, 404, "ORDER_NOT_FOUND"},
		{"empty order_sn", &ports{}, func(s *OrderService) error {
			_, err := s.GetOrder(context.Background(), &v1.GetOrderRequest{})
			return err
		}, 400, "INVALID_ARGUMENT"},
		{"bad status filter", &ports{}, func(s *OrderService) error {
			_, err := s.ListOrders(context.Background(), &v1.ListOrdersRequest{Status: "paid"})
			return err
		}, 400, "INVALID_ARGUMENT"},
		{"negative page size", &ports{}, func(s *OrderService) error {
			_, err := s.ListOrders(context.Background(), &v1.ListOrdersRequest{PageSize: -1})
			return err
		}, 400, "INVALID_ARGUMENT"},
		{"bad page token", &ports{}, func(s *OrderService) error {
			_, err := s.ListOrders(context.Background(), &v1.ListOrdersRequest{PageToken: "x"})
			return err
		}, 400, "INVALID_ARGUMENT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(newService(t, tt.p))
			if kerrors.Code(err) != tt.wantCode || kerrors.Reason(err) != tt.reason {
				t.Fatalf("err = %v, want %d %s", err, tt.wantCode, tt.reason)
			}
		})
	}
}

func createOne(s *OrderService) error {
	_, err := s.CreateOrder(context.Background(), &v1.CreateOrderRequest{UserId: "u1",
		Items: []*v1.CreateOrderItem{{Sku: "SKU-A", Quantity: 1}}})
	return err
}

func TestGetOrderConversion(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	p := &ports{get: func(sn string) (*biz.Order, error) {
		return &biz.Order{SN: sn, UserID: "u1", Status: biz.StatusCancelled, CancelReason: "OUT_OF_STOCK",
			TotalAmount: 500, Version: 2, Items: []biz.Item{{SKU: "SKU-A", Name: "Apple", Quantity: 2, UnitPrice: 250}},
			PaymentDeadline: at.Add(time.Hour), CreatedAt: at, UpdatedAt: at.Add(time.Second)}, nil
	}}
	o, err := newService(t, p).GetOrder(context.Background(), &v1.GetOrderRequest{OrderSn: "SN1"})
	if err != nil {
		t.Fatal(err)
	}
	if o.GetOrderSn() != "SN1" || o.GetStatus() != "CANCELLED" || o.GetCancelReason() != "OUT_OF_STOCK" ||
		o.GetTotalAmount() != 500 || o.GetVersion() != 2 || !o.GetCreatedAt().AsTime().Equal(at) ||
		!o.GetPaymentDeadline().AsTime().Equal(at.Add(time.Hour)) || o.GetItems()[0].GetName() != "Apple" {
		t.Fatalf("order = %v", o)
	}
}
