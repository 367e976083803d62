package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	kerrors "github.com/go-kratos/kratos/v2/errors"

	"github.com/sagashop/sagashop/pkg/idem"
	v1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

func TestValidation(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		call   func(s *InventoryService) error
		code   int32
		reason string
	}{
		{name: "restock zero", code: 400, reason: "INVALID_ARGUMENT", call: func(s *InventoryService) error {
			_, err := s.Restock(ctx, &v1.RestockRequest{Sku: "SKU-MUG", Quantity: 0})
			return err
		}},
		{name: "restock negative", code: 400, reason: "INVALID_ARGUMENT", call: func(s *InventoryService) error {
			_, err := s.Restock(ctx, &v1.RestockRequest{Sku: "SKU-MUG", Quantity: -1})
			return err
		}},
		{name: "restock too many", code: 400, reason: "INVALID_ARGUMENT", call: func(s *InventoryService) error {
			_, err := s.Restock(ctx, &v1.RestockRequest{Sku: "SKU-MUG", Quantity: 1_000_001})
			return err
		}},
		{name: "restock unknown sku", code: 404, reason: "SKU_NOT_FOUND", call: func(s *InventoryService) error {
			_, err := s.Restock(ctx, &v1.RestockRequest{Sku: "SKU-NOPE", Quantity: 1})
			return err
		}},
		{name: "restock empty sku", code: 400, reason: "INVALID_ARGUMENT", call: func(s *InventoryService) error {
			_, err := s.Restock(ctx, &v1.RestockRequest{Quantity: 1})
			return err
		}},
		{name: "get stock unknown", code: 404, reason: "SKU_NOT_FOUND", call: func(s *InventoryService) error {
			_, err := s.GetStock(ctx, &v1.GetStockRequest{Sku: "SKU-NOPE"})
			return err
		}},
		{name: "batch unknown sku", code: 400, reason: "UNKNOWN_SKU", call: func(s *InventoryService) error {
			_, err := s.BatchGetProducts(ctx, &v1.BatchGetProductsRequest{Skus: []string{"SKU-MUG", "SKU-NOPE"}})
			return err
		}},
		{name: "negative page size", code: 400, reason: "INVALID_ARGUMENT", call: func(s *InventoryService) error {
			_, err := s.ListReservations(ctx, &v1.ListReservationsRequest{PageSize: -1})
			return err
		}},
		{name: "bad page token", code: 400, reason: "INVALID_ARGUMENT", call: func(s *InventoryService) error {
			_, err := s.ListReservations(ctx, &v1.ListReservationsRequest{PageToken: "%%%"})
			return err
		}},
		{name: "base64 page token that is no order_sn", code: 400, reason: "INVALID_ARGUMENT", call: func(s *InventoryService) error {
			_, err := s.ListReservations(ctx, &v1.ListReservationsRequest{PageToken: "not-a-token"})
			return err
		}},
		{name: "order_sn filter with a space", code: 400, reason: "INVALID_ARGUMENT", call: func(s *InventoryService) error {
			_, err := s.ListReservations(ctx, &v1.ListReservationsRequest{OrderSn: "a b"})
			return err
		}},
		{name: "long order_sn filter", code: 400, reason: "INVALID_ARGUMENT", call: func(s *InventoryService) error {
			_, err := s.ListReservations(ctx, &v1.ListReservationsRequest{OrderSn: strings.Repeat("x", 101)})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, uc := newFakes(t)
			err := tt.call(NewInventoryService(uc))
			se := kerrors.FromError(err)
			if se.Code != tt.code || se.Reason != tt.reason {
				t.Fatalf("err = %v, want %d %s", err, tt.code, tt.reason)
			}
		})
	}
}

func TestRestockAndBatchGet(t *testing.T) {
	f, uc := newFakes(t)
	s := NewInventoryService(uc)
	st, err := s.Restock(context.Background(), &v1.RestockRequest{Sku: "SKU-MUG", Quantity: 5})
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 15 || st.Available != 15 || st.Version != 2 || f.stocks["SKU-MUG"].Total != 15 {
		t.Fatalf("restock = %v", st)
	}
	rep, err := s.BatchGetProducts(context.Background(), &v1.BatchGetProductsRequest{Skus: []string{"SKU-MUG"}})
	if err != nil || len(rep.Products) != 1 || rep.Products[0].Available != 15 || rep.Products[0].Price != 100 {
		t.Fatalf("batch = %v, %v", rep, err)
	}
}

func TestListReservationsPaging(t *testing.T) {
	f, uc := newFakes(t)
	for i := range 5 {
		f.res = append(f.res, biz.Reservation{OrderSN: fmt.Sprintf("o%d", i), Status: biz.StatusReserved, Version: 1,
			Lines: []biz.ReservationLine{{SKU: "SKU-MUG", Quantity: 1}}})
	}
	s := NewInventoryService(uc)
	var got []string
	tok := ""
	for range 10 {
		rep, err := s.ListReservations(context.Background(), &v1.ListReservationsRequest{PageSize: 2, PageToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.Reservations {
			got = append(got, r.OrderSn+":"+r.Status)
		}
		if tok = rep.NextPageToken; tok == "" {
			break
		}
	}
	if fmt.Sprint(got) != "[o0:RESERVED o1:RESERVED o2:RESERVED o3:RESERVED o4:RESERVED]" {
		t.Fatalf("pages = %v", got)
	}
	rep, err := s.ListReservations(context.Background(), &v1.ListReservationsRequest{OrderSn: "o2"})
	if err != nil || len(rep.Reservations) != 1 || len(rep.Reservations[0].Lines) != 1 || rep.NextPageToken != "" {
		t.Fatalf("filter = %v, %v", rep, err)
	}
}

func TestAPIError(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		code   int32
		reason string
	}{
		{name: "domain error kept", err: v1.ErrorSkuNotFound("x"), code: 404, reason: "SKU_NOT_FOUND"},
		{name: "wrapped domain error kept", err: fmt.Errorf("ctx: %w", v1.ErrorUnknownSku("x")), code: 400, reason: "UNKNOWN_SKU"},
		{name: "conflict", err: fmt.Errorf("x: %w", idem.ErrConflict), code: 409, reason: "CONFLICT"},
		{name: "deadline", err: fmt.Errorf("x: %w", context.DeadlineExceeded), code: 503, reason: "UNAVAILABLE"},
		{name: "other", err: errors.New("boom"), code: 500, reason: "INTERNAL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			se := kerrors.FromError(apiError(tt.err))
			if se.Code != tt.code || se.Reason != tt.reason {
				t.Fatalf("apiError(%v) = %d %s, want %d %s", tt.err, se.Code, se.Reason, tt.code, tt.reason)
			}
		})
	}
}
