package biz

import (
	"context"
	"fmt"
	"testing"

	kerrors "github.com/go-kratos/kratos/v2/errors"
	"github.com/sagashop/sagashop/pkg/idem"
)

func TestBatchGetProducts(t *testing.T) {
	tests := []struct {
		name       string
		skus       []string
		want       []string
		wantReason string
		wantSKU    string
	}{
		{name: "request order kept", skus: []string{"B", "A"}, want: []string{"B", "A"}},
		{name: "duplicates collapsed", skus: []string{"A", "B", "A"}, want: []string{"A", "B"}},
		{name: "empty", skus: nil, want: []string{}},
		{name: "unknown sku", skus: []string{"A", "NOPE", "B"}, wantReason: "UNKNOWN_SKU", wantSKU: "NOPE"},
		{name: "empty sku unknown", skus: []string{""}, wantReason: "UNKNOWN_SKU"},
		{name: "too many", skus: make([]string, MaxBatchSKUs+1), wantReason: "INVALID_ARGUMENT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uc := newTestUsecase(t, newMemStore(map[string]int32{"A": 1, "B": 2}), nil, 1)
			got, err := uc.BatchGetProducts(context.Background(), tt.skus)
			if tt.wantReason != "" {
				se := kerrors.FromError(err)
				if se.Reason != tt.wantReason || se.Code != 400 || se.Metadata["sku"] != tt.wantSKU {
					t.Fatalf("err = %v, want %s 400 sku %q", err, tt.wantReason, tt.wantSKU)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var skus []string
			for _, p := range got {
				skus = append(skus, p.SKU)
			}
			if fmt.Sprint(skus) != fmt.Sprint(tt.want) {
				t.Fatalf("skus = %v, want %v", skus, tt.want)
			}
			if len(got) > 0 && (got[0].Name == "" || got[0].Available == 0) {
				t.Fatalf("product %+v lacks name or available", got[0])
			}
		})
	}
}

func TestRestock(t *testing.T) {
	tests := []struct {
		name          string
		sku           string
		quantity      int32
		conflicts     int
		wantReason    string
		wantCode      int32
		wantTotal     int32
		wantAvailable int32
	}{
		{name: "adds to total and available", sku: "A", quantity: 5, wantTotal: 15, wantAvailable: 15},
		{name: "max quantity", sku: "A", quantity: MaxRestockQuantity, wantTotal: 10 + MaxRestockQuantity, wantAvailable: 10 + MaxRestockQuantity},
		{name: "retried conflict", sku: "A", quantity: 1, conflicts: 2, wantTotal: 11, wantAvailable: 11},
		{name: "zero", sku: "A", quantity: 0, wantReason: "INVALID_ARGUMENT", wantCode: 400},
		{name: "negative", sku: "A", quantity: -3, wantReason: "INVALID_ARGUMENT", wantCode: 400},
		{name: "too large", sku: "A", quantity: MaxRestockQuantity + 1, wantReason: "INVALID_ARGUMENT", wantCode: 400},
		{name: "unknown sku", sku: "NOPE", quantity: 1, wantReason: "SKU_NOT_FOUND", wantCode: 404},
		{name: "contention exhausts retries", sku: "A", quantity: 1, conflicts: 100, wantReason: "CONFLICT", wantCode: 409},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMemStore(map[string]int32{"A": 10})
			left := tt.conflicts
			m.onUpdate = func(Stock) error {
				if left > 0 {
					left--
					return idem.ErrConflict
				}
				return nil
			}
			uc := newTestUsecase(t, m, nil, 3)
			got, err := uc.Restock(context.Background(), tt.sku, tt.quantity)
			if tt.wantReason != "" {
				se := kerrors.FromError(err)
				if se.Reason != tt.wantReason || se.Code != tt.wantCode {
					t.Fatalf("err = %v, want %s %d", err, tt.wantReason, tt.wantCode)
				}
				if m.stocks["A"].Total != 10 {
					t.Fatalf("failed restock changed the stock: %+v", m.stocks["A"])
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != tt.wantTotal || got.Available != tt.wantAvailable || got != m.stocks["A"] {
				t.Fatalf("restock = %+v, stored %+v", got, m.stocks["A"])
			}
			m.checkInvariants(t)
		})
	}
}

func TestGetStockCache(t *testing.T) {
	cached := Stock{SKU: "A", Total: 99, Available: 99, Version: 7}
	tests := []struct {
		name string
		hit  bool
		sku  string
		want int32 // Total
		code int32
	}{
		{name: "hit", hit: true, sku: "A", want: 99},
		{name: "miss loads from the db", sku: "A", want: 10},
		{name: "unknown sku", sku: "NOPE", code: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeCache{get: func(sku string, load func(context.Context, string) (Stock, error)) (Stock, error) {
				if tt.hit {
					return cached, nil
				}
				return load(context.Background(), sku)
			}}
			uc := newTestUsecase(t, newMemStore(map[string]int32{"A": 10}), c, 1)
			got, err := uc.GetStock(context.Background(), tt.sku)
			if tt.code != 0 {
				if se := kerrors.FromError(err); se.Code != tt.code || se.Reason != "SKU_NOT_FOUND" {
					t.Fatalf("err = %v, want SKU_NOT_FOUND", err)
				}
				return
			}
			if err != nil || got.Total != tt.want {
				t.Fatalf("GetStock = %+v, %v; want total %d", got, err, tt.want)
			}
		})
	}
}

func TestListReservationsPages(t *testing.T) {
	m := newMemStore(map[string]int32{"A": 100})
	uc := newTestUsecase(t, m, nil, 1)
	for i := range 5 {
		if err := uc.HandleOrderEvent(context.Background(), created(fmt.Sprintf("o%d", i), line("A", 1))); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	after := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		rs, next, err := uc.ListReservations(context.Background(), ReservationFilter{After: after, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			got = append(got, r.OrderSN)
		}
		if next == "" {
			break
		}
		after = next
	}
	if fmt.Sprint(got) != "[o0 o1 o2 o3 o4]" {
		t.Fatalf("paged %v", got)
	}
	rs, next, err := uc.ListReservations(context.Background(), ReservationFilter{OrderSN: "o3", Limit: 10})
	if err != nil || len(rs) != 1 || next != "" || rs[0].OrderSN != "o3" {
		t.Fatalf("filter: %+v %q %v", rs, next, err)
	}
	if _, _, err := uc.ListReservations(context.Background(), ReservationFilter{}); kerrors.FromError(err).Code != 400 {
		t.Fatalf("limit 0: %v", err)
	}
}
