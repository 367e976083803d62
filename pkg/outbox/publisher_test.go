package outbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/outbox"
)

// recordingAdder records what EventPublisher hands to an Adder, and adds it.
type recordingAdder struct{ recs []outbox.Record }

func (a *recordingAdder) Add(ctx context.Context, tx *gorm.DB, rec outbox.Record) error {
	a.recs = append(a.recs, rec)
	return outbox.Add(ctx, tx, rec)
}

func TestEventPublisher(t *testing.T) {
	dbtest.Each(t, dbtest.Common(), func(t *testing.T, gdb *gorm.DB) {
		tx := db.NewTx(gdb)
		adder := &recordingAdder{}
		pub := outbox.NewEventPublisher(tx, adder)
		ctx := context.Background()
		e, err := event.New(event.OrderPaid, "SN1", 3, time.Unix(1_800_000_000, 0).UTC(),
			event.OrderPaidPayload{PaymentSN: "P1", Amount: 2750})
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.InTx(ctx, func(ctx context.Context) error { return pub.Publish(ctx, e) }); err != nil {
			t.Fatal(err)
		}
		if len(adder.recs) != 1 {
			t.Fatalf("adder got %d records", len(adder.recs))
		}
		r := adder.recs[0]
		if r.EventID != e.EventID || r.Topic != e.Type.Topic() || r.Tag != e.Type.Tag() || len(r.Keys) != 2 {
			t.Fatalf("record = %+v", r)
		}
		back, err := event.Decode(r.Body)
		if err != nil || back.EventID != e.EventID || back.OrderSN != "SN1" {
			t.Fatalf("body decodes to %+v, %v", back, err)
		}

		// A rolled-back transaction leaves no row; without an Adder the
		// publisher writes the row itself.
		boom := errors.New("boom")
		e2, _ := event.New(event.OrderCancelled, "SN2", 2, time.Unix(1_800_000_000, 0).UTC(), event.OrderCancelledPayload{Reason: "PAYMENT_TIMEOUT"})
		plain := outbox.NewEventPublisher(tx, nil)
		if err := tx.InTx(ctx, func(ctx context.Context) error {
			if err := plain.Publish(ctx, e2); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		if n := rows(t, gdb); n != 1 {
			t.Fatalf("rows = %d, want 1 (the rolled-back event left none)", n)
		}
		if err := tx.InTx(ctx, func(ctx context.Context) error { return plain.Publish(ctx, e2) }); err != nil {
			t.Fatal(err)
		}
		if n := rows(t, gdb); n != 2 {
			t.Fatalf("rows = %d, want 2", n)
		}
	})
}
