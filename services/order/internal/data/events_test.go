package data

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/outbox"
)

func TestEventPublisherAndDeduper(t *testing.T) {
	dbtest.Each(t, Migrations(), func(t *testing.T, gdb *gorm.DB) {
		ctx := context.Background()
		tx := db.NewTx(gdb)
		var notified atomic.Int32
		pub := NewEventPublisher(tx, afterCommit(func() { notified.Add(1) }))
		dedup := NewDeduper(tx, "order-service")
		e, err := event.New(event.OrderCancelled, "SN-1", 2, time.Now(), event.OrderCancelledPayload{Reason: "OUT_OF_STOCK"})
		if err != nil {
			t.Fatal(err)
		}
		errAbort := errors.New("abort")
		err = tx.InTx(ctx, func(ctx context.Context) error {
			if fresh, err := dedup.Claim(ctx, "stock:rejected/SN-1/1"); err != nil || !fresh {
				t.Fatalf("claim = %v, %v", fresh, err)
			}
			if err := pub.Publish(ctx, e); err != nil {
				t.Fatal(err)
			}
			return errAbort
		})
		if !errors.Is(err, errAbort) || notified.Load() != 0 || countRows(t, gdb, "outbox_events") != 0 ||
			countRows(t, gdb, "consumed_events") != 0 {
			t.Fatalf("rollback left: err %v, notified %d", err, notified.Load())
		}
		err = tx.InTx(ctx, func(ctx context.Context) error {
			if fresh, err := dedup.Claim(ctx, "stock:rejected/SN-1/1"); err != nil || !fresh {
				t.Fatalf("claim = %v, %v", fresh, err)
			}
			if err := pub.Publish(ctx, e); err != nil {
				return err
			}
			if notified.Load() != 0 {
				t.Fatal("notified before the commit")
			}
			return nil
		})
		if err != nil || notified.Load() != 1 || countRows(t, gdb, "outbox_events") != 1 {
			t.Fatalf("commit: err %v, notified %d", err, notified.Load())
		}
		var row struct {
			Topic, Tag, MsgKeys string
			Body                []byte
		}
		if err := gdb.Table("outbox_events").Select("topic, tag, msg_keys, body").Take(&row).Error; err != nil {
			t.Fatal(err)
		}
		if row.Topic != "order" || row.Tag != "cancelled" {
			t.Fatalf("outbox row = %+v", row)
		}
		if got, err := event.Decode(row.Body); err != nil || got.EventID != e.EventID {
			t.Fatalf("outbox body = %+v, %v", got, err)
		}
		if fresh, err := dedup.Claim(ctx, "stock:rejected/SN-1/1"); err != nil || fresh {
			t.Fatalf("second claim = %v, %v", fresh, err)
		}
		if fresh, err := NewDeduper(tx, "other-group").Claim(ctx, "stock:rejected/SN-1/1"); err != nil || !fresh {
			t.Fatalf("claim of another group = %v, %v", fresh, err)
		}
	})
}

// afterCommit is an Outbox that adds with outbox.Add and calls itself
// where outbox.Relay.Add hands the row over: after the commit.
type afterCommit func()

func (f afterCommit) Add(ctx context.Context, tx *gorm.DB, rec outbox.Record) error {
	if err := outbox.Add(ctx, tx, rec); err != nil {
		return err
	}
	db.AfterCommit(ctx, f)
	return nil
}

func countRows(t *testing.T, gdb *gorm.DB, table string) int64 {
	t.Helper()
	var n int64
	if err := gdb.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
