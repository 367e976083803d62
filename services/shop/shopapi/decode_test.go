package shopapi

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestDecodeTolerant(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 500_000_000, time.UTC)
	tests := []struct {
		name string
		json string
		into any
		want any
	}{
		{"order numbers", `{"order_sn":"A","user_id":"u","status":"PAID","cancel_reason":"","total_amount":1200,"version":3,
			"items":[{"sku":"S","name":"n","quantity":2,"unit_price":600}],"payment_deadline":"2025-03-01T12:00:00.5Z","created_at":"2025-03-01T12:00:00.5Z","updated_at":""}`,
			&Order{}, &Order{OrderSN: "A", UserID: "u", Status: "PAID", TotalAmount: 1200, Version: 3,
				Items: []OrderItem{{SKU: "S", Name: "n", Quantity: 2, UnitPrice: 600}}, PaymentDeadline: at, CreatedAt: at}},
		{"order protojson defaults", `{"order_sn":"A","status":"ORDER_STATUS_CANCELLED","cancel_reason":"CANCEL_REASON_OUT_OF_STOCK","total_amount":"1200","version":"2","items":[{"sku":"S","quantity":"1","unit_price":"1200"}],"payment_deadline":null}`,
			&Order{}, &Order{OrderSN: "A", Status: "CANCELLED", CancelReason: "OUT_OF_STOCK", TotalAmount: 1200, Version: 2,
				Items: []OrderItem{{SKU: "S", Quantity: 1, UnitPrice: 1200}}}},
		{"unspecified enum", `{"order_sn":"A","status":"CREATED","cancel_reason":"CANCEL_REASON_UNSPECIFIED"}`,
			&Order{}, &Order{OrderSN: "A", Status: "CREATED"}},
		{"stock strings", `{"sku":"S","total":"10","available":"4","reserved":3,"sold":"3","version":"9"}`,
			&Stock{}, &Stock{SKU: "S", Total: 10, Available: 4, Reserved: 3, Sold: 3, Version: 9}},
		{"reservation", `{"order_sn":"A","status":"RESERVATION_STATUS_SOLD","version":"2","lines":[{"sku":"S","quantity":"2"}]}`,
			&Reservation{}, &Reservation{OrderSN: "A", Status: "SOLD", Version: 2, Lines: []Line{{SKU: "S", Quantity: 2}}}},
		{"payment", `{"payment_sn":"P","order_sn":"A","amount":"99","status":"PAYMENT_STATUS_REFUNDED","created_at":"2025-03-01T12:00:00.5Z","updated_at":"2025-03-01T12:00:00.5Z"}`,
			&Payment{}, &Payment{PaymentSN: "P", OrderSN: "A", Amount: 99, Status: "REFUNDED", CreatedAt: at, UpdatedAt: at}},
		{"product", `{"sku":"S","name":"n","price":"250","available":7}`,
			&Product{}, &Product{SKU: "S", Name: "n", Price: 250, Available: 7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := json.Unmarshal([]byte(tc.json), tc.into); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tc.into, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", tc.into, tc.want)
			}
		})
	}
}

func TestDecodeRejectsGarbage(t *testing.T) {
	tests := []struct{ name, json string }{
		{"float amount", `{"total_amount":1.5}`},
		{"word amount", `{"total_amount":"lots"}`},
		{"bad time", `{"created_at":"yesterday"}`},
		{"numeric enum", `{"status":2}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var o Order
			if err := json.Unmarshal([]byte(tc.json), &o); err == nil {
				t.Fatalf("decoded %+v, want an error", o)
			}
		})
	}
}
