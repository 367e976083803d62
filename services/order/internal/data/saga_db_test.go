package data

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/messaging"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// staticCatalogue is a biz.Catalogue with one product, SKU-A at 250 cents.
type staticCatalogue struct{}

func (staticCatalogue) Products(_ context.Context, skus []string) (map[string]biz.Product, error) {
	out := map[string]biz.Product{}
	for _, sku := range skus {
		if sku != "SKU-A" {
			return nil, v1.ErrorUnknownSku("unknown sku %q", sku)
		}
		out[sku] = biz.Product{SKU: sku, Name: "Apple", Price: 250}
	}
	return out, nil
}

func newDBUsecase(t *testing.T, gdb *gorm.DB) *biz.OrderUsecase {
	t.Helper()
	tx := db.NewTx(gdb)
	uc, err := biz.NewOrderUsecase(biz.Options{
		Orders: NewOrderRepo(tx), Tx: tx, Dedup: NewDeduper(tx, "order-service"),
		Events:    NewEventPublisher(tx, nil),
		Created:   NewCreatedPublisher(&fakeTxSender{}, nil),
		Timeouts:  NewTimeoutScheduler(senderFunc(func(context.Context, messaging.Message) error { return nil })),
		Catalogue: staticCatalogue{}, RetryAttempts: 50,
	})
	if err != nil {
		t.Fatal(err)
	}
	return uc
}

func deliver(t *testing.T, h func(context.Context, event.Envelope) error, typ event.Type, sn string, v int64, payload any) error {
	t.Helper()
	e, err := event.New(typ, sn, v, time.Now(), payload)
	if err != nil {
		t.Fatal(err)
	}
	return h(context.Background(), e)
}

// TestPaymentRacesTimeout delivers payment:succeeded and order:timeout for
// one order concurrently, each several times: exactly one wins, and exactly
// one announcing event is in the outbox.
func TestPaymentRacesTimeout(t *testing.T) {
	dbtest.Each(t, Migrations(), func(t *testing.T, gdb *gorm.DB) {
		uc := newDBUsecase(t, gdb)
		for round := 0; round < 5; round++ {
			o, err := uc.CreateOrder(context.Background(), "u1", []biz.LineInput{{SKU: "SKU-A", Quantity: 4}})
			if err != nil {
				t.Fatal(err)
			}
			if err := deliver(t, uc.HandleStockReserved, event.StockReserved, o.SN, 1, event.StockReservedPayload{}); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make(chan error, 20)
			for i := 0; i < 10; i++ {
				wg.Add(2)
				go func() {
					defer wg.Done()
					errs <- deliver(t, uc.HandlePaymentSucceeded, event.PaymentSucceeded, o.SN, 1,
						event.PaymentSucceededPayload{PaymentSN: "P-" + o.SN, Amount: 1000})
				}()
				go func() {
					defer wg.Done()
					errs <- deliver(t, uc.HandleTimeout, event.OrderTimeout, o.SN, 1, event.OrderTimeoutPayload{})
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			got, err := uc.GetOrder(context.Background(), o.SN)
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != 3 || (got.Status != biz.StatusPaid && got.Status != biz.StatusCancelled) {
				t.Fatalf("order = %s v%d", got.Status, got.Version)
			}
			var n int64
			gdb.Table("outbox_events").Where("msg_keys LIKE ?", "%"+o.SN+"%").Count(&n)
			if n != 1 {
				t.Fatalf("%d events announced for %s, want 1", n, o.SN)
			}
			// stock:reserved and the winner are claimed; the loser only if
			// one of its deliveries found the order still open (a timeout
			// that finds the order PAID is ignored without a claim).
			winner := event.ID(event.OrderTimeout, o.SN, 1)
			if got.Status == biz.StatusPaid {
				winner = event.ID(event.PaymentSucceeded, o.SN, 1)
			}
			var claims []string
			gdb.Table("consumed_events").Where("event_id LIKE ?", "%"+o.SN+"%").Pluck("event_id", &claims)
			if !slices.Contains(claims, event.ID(event.StockReserved, o.SN, 1)) || !slices.Contains(claims, winner) || len(claims) > 3 {
				t.Fatalf("claims %q: want stock:reserved and %s", claims, winner)
			}
		}
	})
}

// TestSweepOnDatabase cancels an overdue order through the repository.
func TestSweepOnDatabase(t *testing.T) {
	dbtest.Each(t, Migrations(), func(t *testing.T, gdb *gorm.DB) {
		uc := newDBUsecase(t, gdb)
		o, err := uc.CreateOrder(context.Background(), "u1", []biz.LineInput{{SKU: "SKU-A", Quantity: 1}})
		if err != nil {
			t.Fatal(err)
		}
		// the deadline is 30m ahead: a grace of -31m makes it overdue now
		n, err := uc.Sweep(context.Background(), -31*time.Minute)
		if err != nil || n != 1 {
			t.Fatalf("sweep = %d, %v", n, err)
		}
		got, _ := uc.GetOrder(context.Background(), o.SN)
		if got.Status != biz.StatusCancelled || got.CancelReason != event.ReasonPaymentTimeout {
			t.Fatalf("order = %+v", got)
		}
	})
}
