package biz

import (
	"context"
	"fmt"
	"testing"

	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
)

func TestListOrdersPaging(t *testing.T) {
	store := newMemStore()
	for i := 0; i < 7; i++ {
		st := StatusCreated
		if i%2 == 1 {
			st = StatusPaid
		}
		if err := store.Create(context.Background(), &Order{SN: fmt.Sprintf("SN%d", i), Status: st, Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	uc := newTestUsecase(t, store)
	tests := []struct {
		name     string
		status   Status
		pageSize int
		want     [][]string
	}{
		{"all in pages of 3", "", 3, [][]string{{"SN0", "SN1", "SN2"}, {"SN3", "SN4", "SN5"}, {"SN6"}}},
		{"exact pages", "", 7, [][]string{{"SN0", "SN1", "SN2", "SN3", "SN4", "SN5", "SN6"}}},
		{"default size", "", 0, [][]string{{"SN0", "SN1", "SN2", "SN3", "SN4", "SN5", "SN6"}}},
		{"paid only", StatusPaid, 2, [][]string{{"SN1", "SN3"}, {"SN5"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := ""
			for i, want := range tt.want {
				orders, next, err := uc.ListOrders(context.Background(), tt.status, tt.pageSize, token)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, o := range orders {
					got = append(got, o.SN)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("page %d = %v, want %v", i, got, want)
				}
				if last := i == len(tt.want)-1; last != (next == "") {
					t.Fatalf("page %d: next_page_token %q", i, next)
				}
				token = next
			}
		})
	}
	if _, _, err := uc.ListOrders(context.Background(), "", 10, "abc"); !v1.IsInvalidArgument(err) {
		t.Fatalf("bad token: %v", err)
	}
}
