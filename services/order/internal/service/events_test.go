package service

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

func TestEventHandler(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	body := func(typ event.Type, payload any) []byte {
		e, err := event.New(typ, "SN1", 1, at, payload)
		if err != nil {
			t.Fatal(err)
		}
		b, err := event.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	created := &biz.Order{SN: "SN1", Status: biz.StatusCreated, Version: 1}
	errBroker := errors.New("broker down")
	tests := []struct {
		name    string
		body    []byte
		p       *ports
		wantErr bool
	}{
		{"malformed JSON is dropped", []byte("{not json"), &ports{}, false},
		{"unknown event type is dropped", body(event.PaymentRefunded, nil), &ports{}, false},
		{"created schedules the timeout", body(event.OrderCreated, event.OrderCreatedPayload{UserID: "u1"}),
			&ports{schedule: func(e event.Envelope) error {
				if e.Type != event.OrderTimeout {
					t.Errorf("scheduled %s", e.Type)
				}
				return nil
			}}, false},
		{"created retries when the broker fails", body(event.OrderCreated, event.OrderCreatedPayload{}),
			&ports{schedule: func(event.Envelope) error { return errBroker }}, true},
		{"reserved", body(event.StockReserved, nil), &ports{
			claim:  func(string) (bool, error) { return true, nil },
			get:    func(string) (*biz.Order, error) { return created, nil },
			update: func(string, int64, biz.State) error { return nil },
		}, false},
		{"payment before reservation is retried", body(event.PaymentSucceeded, event.PaymentSucceededPayload{PaymentSN: "P1"}),
			&ports{
				claim: func(string) (bool, error) { return true, nil },
				get:   func(string) (*biz.Order, error) { return created, nil },
			}, true},
		{"bad payload is dropped", body(event.PaymentSucceeded, map[string]any{"amount": "x"}), &ports{}, false},
		{"database failure is retried", body(event.StockRejected, nil), &ports{
			claim: func(string) (bool, error) { return false, errors.New("connection reset") },
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewEventHandler(newUsecase(t, tt.p), nil)
			err := h.Handle(context.Background(), tt.body)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tt.wantErr)
			}
		})
	}
}
