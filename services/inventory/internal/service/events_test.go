package service

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/messaging"
)

func delivery(t *testing.T, typ event.Type, payload any) messaging.Delivery {
	t.Helper()
	e, err := event.New(typ, "SN1", 1, time.Now(), payload)
	if err != nil {
		t.Fatal(err)
	}
	m, err := messaging.EventMessage(e)
	if err != nil {
		t.Fatal(err)
	}
	return messaging.Delivery{Message: m, MsgID: "m1"}
}

func TestHandleOrder(t *testing.T) {
	lines := []event.Line{{SKU: "SKU-MUG", Quantity: 2, UnitPrice: 1299}}
	tests := []struct {
		name      string
		d         func(t *testing.T) messaging.Delivery
		claimErr  error
		wantErr   bool
		wantClaim bool
		wantEvent string
	}{
		{name: "created reserves", wantClaim: true, wantEvent: "stock:reserved/SN1/1",
			d: func(t *testing.T) messaging.Delivery {
				return delivery(t, event.OrderCreated, event.OrderCreatedPayload{UserID: "u", Lines: lines})
			}},
		{name: "cancelled tombstones", wantClaim: true,
			d: func(t *testing.T) messaging.Delivery {
				return delivery(t, event.OrderCancelled, event.OrderCancelledPayload{Reason: event.ReasonPaymentTimeout})
			}},
		{name: "garbage acked", d: func(t *testing.T) messaging.Delivery {
			return messaging.Delivery{Message: messaging.Message{Topic: "order", Body: []byte("{not json")}}
		}},
		{name: "bad created payload acked", d: func(t *testing.T) messaging.Delivery {
			d := delivery(t, event.OrderCreated, map[string]any{"lines": "nope"})
			return d
		}},
		{name: "foreign type acked", d: func(t *testing.T) messaging.Delivery {
			return delivery(t, event.OrderTimeout, event.OrderTimeoutPayload{PaymentDeadline: time.Now()})
		}},
		{name: "use case failure retried", claimErr: errors.New("db down"), wantErr: true,
			d: func(t *testing.T) messaging.Delivery {
				return delivery(t, event.OrderPaid, event.OrderPaidPayload{PaymentSN: "P1", Amount: 1})
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, uc := newFakes(t)
			f.claimErr = tt.claimErr
			err := NewEventHandler(uc, nil).HandleOrder(context.Background(), tt.d(t))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if (len(f.handled) > 0) != tt.wantClaim {
				t.Fatalf("claimed %v, want a claim %v", f.handled, tt.wantClaim)
			}
			if tt.wantEvent != "" && (len(f.events) != 1 || f.events[0].EventID != tt.wantEvent) {
				t.Fatalf("events %v, want %s", f.events, tt.wantEvent)
			}
		})
	}
}
