package biz

import (
	"reflect"
	"testing"

	"github.com/sagashop/sagashop/pkg/event"
)

func TestDecide(t *testing.T) {
	tests := []struct {
		typ  event.Type
		from ReservationStatus
		want Action
	}{
		{event.OrderCreated, StatusNone, ActionReserve},
		{event.OrderCreated, StatusCancelled, ActionIgnore},
		{event.OrderCreated, StatusReserved, ActionIgnore},
		{event.OrderCreated, StatusRejected, ActionIgnore},
		{event.OrderCreated, StatusSold, ActionIgnore},
		{event.OrderCreated, StatusReleased, ActionIgnore},
		{event.OrderPaid, StatusReserved, ActionSell},
		{event.OrderPaid, StatusSold, ActionIgnore},
		{event.OrderPaid, StatusNone, ActionAnomaly},
		{event.OrderPaid, StatusRejected, ActionAnomaly},
		{event.OrderPaid, StatusReleased, ActionAnomaly},
		{event.OrderPaid, StatusCancelled, ActionAnomaly},
		{event.OrderCancelled, StatusNone, ActionTombstone},
		{event.OrderCancelled, StatusReserved, ActionRelease},
		{event.OrderCancelled, StatusRejected, ActionIgnore},
		{event.OrderCancelled, StatusReleased, ActionIgnore},
		{event.OrderCancelled, StatusCancelled, ActionIgnore},
		{event.OrderCancelled, StatusSold, ActionAnomaly},
		{event.OrderTimeout, StatusReserved, ActionIgnore},
		{event.StockReserved, StatusNone, ActionIgnore},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ)+"/"+string(tt.from), func(t *testing.T) {
			if got := Decide(tt.typ, tt.from); got != tt.want {
				t.Fatalf("Decide(%s, %q) = %s, want %s", tt.typ, tt.from, got, tt.want)
			}
		})
	}
}

func TestMergeLines(t *testing.T) {
	tests := []struct {
		name string
		in   []event.Line
		want []event.Line
	}{
		{name: "empty", in: nil, want: []event.Line{}},
		{name: "sorted by sku", in: []event.Line{{SKU: "B", Quantity: 1}, {SKU: "A", Quantity: 2}},
			want: []event.Line{{SKU: "A", Quantity: 2}, {SKU: "B", Quantity: 1}}},
		{name: "duplicates merged, first price kept",
			in:   []event.Line{{SKU: "B", Quantity: 1, UnitPrice: 5}, {SKU: "A", Quantity: 2}, {SKU: "B", Quantity: 3, UnitPrice: 7}},
			want: []event.Line{{SKU: "A", Quantity: 2}, {SKU: "B", Quantity: 4, UnitPrice: 5}}},
		{name: "sum clamped", in: []event.Line{{SKU: "A", Quantity: 2_000_000_000}, {SKU: "A", Quantity: 2_000_000_000}},
			want: []event.Line{{SKU: "A", Quantity: 2_147_483_647}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MergeLines(tt.in)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("MergeLines = %+v, want %+v", got, tt.want)
			}
		})
	}
}
