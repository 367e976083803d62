package data

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/services/payment/internal/biz"
)

// orderFunc is a biz.Orders of one function.
type orderFunc func(ctx context.Context, sn string) (*biz.Order, error)

func (f orderFunc) GetOrder(ctx context.Context, sn string) (*biz.Order, error) { return f(ctx, sn) }

// awaiting answers every order as AWAITING_PAYMENT with a total of 1500.
var awaiting = orderFunc(func(_ context.Context, sn string) (*biz.Order, error) {
	return &biz.Order{OrderSN: sn, Status: biz.OrderAwaitingPayment, TotalAmount: 1500, Version: 2}, nil
})

// fixture is the payment service's data layer over one test database.
type fixture struct {
	gdb  *gorm.DB
	tx   *db.Tx
	repo biz.PaymentRepo
	uc   *biz.PaymentUsecase
}

func newFixture(gdb *gorm.DB, orders biz.Orders) *fixture {
	tx := db.NewTx(gdb)
	repo := NewPaymentRepo(tx)
	uc := biz.NewPaymentUsecase(repo, orders, tx, NewEventPublisher(tx, nil), NewDeduper(tx, "payment-service"),
		biz.Options{Attempts: 20})
	return &fixture{gdb: gdb, tx: tx, repo: repo, uc: uc}
}

// eachDB runs fn against SQLite and, when configured, MariaDB/MySQL.
func eachDB(t *testing.T, fn func(t *testing.T, gdb *gorm.DB)) {
	dbtest.Each(t, Migrations(), fn)
}

// newSN returns a fresh order number.
func newSN(t testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "O" + hex.EncodeToString(b[:])
}

func cancelEvent(t testing.TB, sn string, version int64) event.Envelope {
	e, err := event.New(event.OrderCancelled, sn, version, testNow(),
		event.OrderCancelledPayload{Reason: event.ReasonPaymentTimeout})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// outboxIDs returns the event ids in outbox_events about orderSN.
func outboxIDs(t testing.TB, gdb *gorm.DB, orderSN string) map[string]bool {
	var ids []string
	if err := gdb.Table("outbox_events").Where("event_id LIKE ?", "%/"+orderSN+"/%").Pluck("event_id", &ids).Error; err != nil {
		t.Fatal(err)
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out
}

// orderState returns the lock row (nil when missing) and the payments of
// orderSN.
func orderState(t testing.TB, f *fixture, orderSN string) (*paymentOrder, []*biz.Payment) {
	t.Helper()
	ps, err := f.repo.List(context.Background(), biz.ListQuery{OrderSN: orderSN, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var lock paymentOrder
	err = f.gdb.Where("order_sn = ?", orderSN).Take(&lock).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ps
	}
	if err != nil {
		t.Fatal(err)
	}
	return &lock, ps
}

func testNow() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
