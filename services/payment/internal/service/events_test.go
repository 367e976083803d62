package service

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/go-kratos/kratos/v2/log"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/services/payment/internal/biz"
)

type runTx struct{}

func (runTx) InTx(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }

type claimFunc func(ctx context.Context, id string) (bool, error)

func (f claimFunc) Claim(ctx context.Context, id string) (bool, error) { return f(ctx, id) }

func TestOrderCancelledHandler(t *testing.T) {
	at := time.Date(2026, 5, 9, 0, 0, 0, 0, time.UTC)
	encode := func(ty event.Type, payload any) []byte {
		e, err := event.New(ty, "O1", 3, at, payload)
		if err != nil {
			t.Fatal(err)
		}
		b, err := event.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cancelled := encode(event.OrderCancelled, event.OrderCancelledPayload{Reason: event.ReasonPaymentTimeout})
	tests := []struct {
		name     string
		body     []byte
		claimErr error
		wantErr  bool
		claims   int
	}{
		{"malformed body is dropped", []byte(`{"type":`), nil, false, 0},
		{"other event type is dropped", encode(event.OrderPaid, event.OrderPaidPayload{}), nil, false, 0},
		{"cancel is handled", cancelled, nil, false, 1},
		{"storage failure asks for redelivery", cancelled, errors.New("db down"), true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims := 0
			dedup := claimFunc(func(_ context.Context, id string) (bool, error) {
				claims++
				return false, tt.claimErr // false: a duplicate, so nothing else runs
			})
			uc := biz.NewPaymentUsecase(nil, nil, runTx{}, nil, dedup, biz.Options{Attempts: 1})
			err := NewEventHandlers(uc, log.DefaultLogger).OrderCancelled(context.Background(), tt.body)
			if (err != nil) != tt.wantErr || claims != tt.claims {
				t.Fatalf("err %v after %d claims, want error %v after %d", err, claims, tt.wantErr, tt.claims)
			}
		})
	}
}
