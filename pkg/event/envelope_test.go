package event

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

var at = time.Date(2026, 11, 21, 17, 0, 0, 123456789, time.UTC)

func TestNew(t *testing.T) {
	deadline := at.Add(30 * time.Minute)
	tests := []struct {
		name    string
		typ     Type
		sn      string
		version int64
		at      time.Time
		payload any
		wantErr bool
		want    string // payload JSON
	}{
		{"order created", OrderCreated, "SN1", 1, at, OrderCreatedPayload{
			UserID: "u1", Lines: []Line{{SKU: "A<&>", Quantity: 2, UnitPrice: 150}}, TotalAmount: 300, PaymentDeadline: deadline,
		}, false, `{"user_id":"u1","lines":[{"sku":"A<&>","quantity":2,"unit_price":150}],"total_amount":300,"payment_deadline":"2026-11-21T17:30:00.123456789Z"}`},
		{"nil payload", OrderTimeout, "SN1", 1, at, nil, false, `{}`},
		{"pointer payload", OrderCancelled, "SN1", 3, at, &OrderCancelledPayload{Reason: ReasonOutOfStock}, false, `{"reason":"OUT_OF_STOCK"}`},
		{"local time", OrderPaid, "SN1", 4, at.In(time.FixedZone("X", 3600)), OrderPaidPayload{PaymentSN: "P1", Amount: 5}, false, `{"payment_sn":"P1","amount":5}`},
		{"unknown type", "order:shipped", "SN1", 1, at, nil, true, ""},
		{"empty sn", OrderCreated, "", 1, at, nil, true, ""},
		{"sn with slash", OrderCreated, "a/b", 1, at, nil, true, ""},
		{"sn with space", OrderCreated, "a b", 1, at, nil, true, ""},
		{"sn too long", OrderCreated, strings.Repeat("s", MaxOrderSNLen+1), 1, at, nil, true, ""},
		{"version 0", OrderCreated, "SN1", 0, at, nil, true, ""},
		{"zero time", OrderCreated, "SN1", 1, time.Time{}, nil, true, ""},
		{"array payload", OrderCreated, "SN1", 1, at, []int{1}, true, ""},
		{"unmarshalable payload", OrderCreated, "SN1", 1, at, func() {}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(tt.typ, tt.sn, tt.version, tt.at, tt.payload)
			if tt.wantErr {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("New error = %v, want ErrMalformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if e.EventID != ID(tt.typ, tt.sn, tt.version) || e.Type != tt.typ || e.OrderSN != tt.sn || e.Version != tt.version {
				t.Errorf("envelope %+v", e)
			}
			if !e.OccurredAt.Equal(tt.at) || e.OccurredAt.Location() != time.UTC {
				t.Errorf("OccurredAt = %v, want %v in UTC", e.OccurredAt, tt.at)
			}
			if string(e.Payload) != tt.want {
				t.Errorf("Payload = %s, want %s", e.Payload, tt.want)
			}
			if got := e.Keys(); !reflect.DeepEqual(got, []string{e.EventID, tt.sn}) {
				t.Errorf("Keys() = %q", got)
			}
		})
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	payloads := map[Type]any{
		OrderCreated:     OrderCreatedPayload{UserID: "u", Lines: []Line{{"A", 1, 2}, {"B", 3, 4}}, TotalAmount: 14, PaymentDeadline: at},
		OrderTimeout:     OrderTimeoutPayload{PaymentDeadline: at},
		OrderPaid:        OrderPaidPayload{PaymentSN: "P", Amount: 14},
		OrderCancelled:   OrderCancelledPayload{Reason: ReasonPaymentTimeout},
		StockReserved:    StockReservedPayload{Lines: []Line{{"A", 1, 2}}},
		StockRejected:    StockRejectedPayload{SKU: "A", Requested: 5, Available: 1},
		PaymentSucceeded: PaymentSucceededPayload{PaymentSN: "P", Amount: 14},
		PaymentRefunded:  PaymentRefundedPayload{PaymentSN: "P", Amount: 14, Reason: "ORDER_CANCELLED"},
	}
	for _, typ := range Types() {
		t.Run(string(typ), func(t *testing.T) {
			payload := payloads[typ]
			e, err := New(typ, "SN-9", 7, at, payload)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Encode(e)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(b)
			if err != nil {
				t.Fatalf("Decode(%s): %v", b, err)
			}
			if !reflect.DeepEqual(got, e) {
				t.Errorf("Decode(Encode(e)) = %+v, want %+v", got, e)
			}
			v := reflect.New(reflect.TypeOf(payload))
			if err := got.Unmarshal(v.Interface()); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(v.Elem().Interface(), payload) {
				t.Errorf("Unmarshal = %+v, want %+v", v.Elem().Interface(), payload)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	const good = `{"event_id":"order:created/SN1/1","type":"order:created","order_sn":"SN1","version":1,"occurred_at":"2026-11-21T18:00:00+01:00","payload":{ "user_id" : "u" }}`
	tests := []struct {
		name    string
		in      string
		wantErr bool
	}{
		{"good", good, false},
		{"unknown field ignored", strings.Replace(good, `"version"`, `"extra":[1],"version"`, 1), false},
		{"empty", ``, true},
		{"null", `null`, true},
		{"array", `[]`, true},
		{"trailing data", good + `{}`, true},
		{"truncated", good[:len(good)-1], true},
		{"unknown type", strings.ReplaceAll(good, "order:created", "order:shipped"), true},
		{"empty event id", strings.Replace(good, `"order:created/SN1/1"`, `""`, 1), true},
		{"event id mismatch", strings.Replace(good, `SN1/1`, `SN1/2`, 1), true},
		{"empty order sn", strings.ReplaceAll(strings.Replace(good, `"SN1"`, `""`, 1), "/SN1/", "//"), true},
		{"version 0", strings.ReplaceAll(strings.Replace(good, `"version":1`, `"version":0`, 1), "SN1/1", "SN1/0"), true},
		{"version string", strings.Replace(good, `"version":1`, `"version":"1"`, 1), true},
		{"version float", strings.Replace(good, `"version":1`, `"version":1.5`, 1), true},
		{"no occurred_at", strings.Replace(good, `"occurred_at":"2026-11-21T18:00:00+01:00",`, ``, 1), true},
		{"bad occurred_at", strings.Replace(good, `2026-11-21T18:00:00+01:00`, `yesterday`, 1), true},
		{"no payload", strings.Replace(good, `,"payload":{ "user_id" : "u" }`, ``, 1), true},
		{"null payload", strings.Replace(good, `{ "user_id" : "u" }`, `null`, 1), true},
		{"string payload", strings.Replace(good, `{ "user_id" : "u" }`, `"x"`, 1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Decode([]byte(tt.in))
			if tt.wantErr {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("Decode error = %v, want ErrMalformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(e.Payload) != `{"user_id":"u"}` {
				t.Errorf("payload %s not compacted", e.Payload)
			}
			if want := time.Date(2026, 11, 21, 17, 0, 0, 0, time.UTC); e.OccurredAt != want {
				t.Errorf("OccurredAt = %v, want %v", e.OccurredAt, want)
			}
		})
	}
}

func TestEncodeRefusesInvalid(t *testing.T) {
	good, err := New(OrderPaid, "SN1", 2, at, OrderPaidPayload{PaymentSN: "P"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(*Envelope)
	}{
		{"wrong id", func(e *Envelope) { e.EventID = "x" }},
		{"bad type", func(e *Envelope) { e.Type = "x" }},
		{"no payload", func(e *Envelope) { e.Payload = nil }},
		{"invalid payload", func(e *Envelope) { e.Payload = []byte(`{`) }},
		{"zero time", func(e *Envelope) { e.OccurredAt = time.Time{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := good
			tt.mutate(&e)
			if _, err := Encode(e); !errors.Is(err, ErrMalformed) {
				t.Fatalf("Encode error = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestUnmarshalMismatch(t *testing.T) {
	e, err := New(StockRejected, "SN1", 1, at, map[string]any{"requested": "many"})
	if err != nil {
		t.Fatal(err)
	}
	var p StockRejectedPayload
	if err := e.Unmarshal(&p); !errors.Is(err, ErrMalformed) {
		t.Fatalf("Unmarshal error = %v, want ErrMalformed", err)
	}
}

func TestEncodeKeepsHTML(t *testing.T) {
	e, err := New(OrderCancelled, "SN1", 1, at, OrderCancelledPayload{Reason: "<&>"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Encode(e)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"<&>"`)) {
		t.Errorf("Encode escaped HTML: %s", b)
	}
}
