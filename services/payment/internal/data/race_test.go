package data

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/go-kratos/kratos/v2/errors"
	"gorm.io/gorm"

	"github.com/sagashop/sagashop/services/payment/internal/biz"
)

// raceRounds is how many orders see a payment and a cancellation at once.
const raceRounds = 150

// TestPaymentRacesCancellation starts a payment and the order's
// cancellation at the same moment, many times. Each order must end
// either paid-then-refunded (payment:succeeded and payment:refunded in the
// outbox) or with the payment refused as ORDER_CANCELLED (no payment, no
// event); never with a SUCCEEDED payment on a cancelled order.
func TestPaymentRacesCancellation(t *testing.T) {
	eachDB(t, func(t *testing.T, gdb *gorm.DB) {
		f, ctx := newFixture(gdb, awaiting), context.Background()
		var refunded, refused int
		for i := 0; i < raceRounds; i++ {
			sn := newSN(t)
			var (
				wg        sync.WaitGroup
				start     = make(chan struct{})
				paid      *biz.Payment
				payErr    error
				cancelErr error
			)
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				paid, payErr = f.uc.Create(ctx, sn, 1500)
			}()
			go func() {
				defer wg.Done()
				<-start
				cancelErr = f.uc.OrderCancelled(ctx, cancelEvent(t, sn, 3))
			}()
			close(start)
			wg.Wait()
			if cancelErr != nil {
				t.Fatalf("round %d: cancel: %v", i, cancelErr)
			}
			lock, ps := orderState(t, f, sn)
			ids := outboxIDs(t, gdb, sn)
			if lock == nil || lock.Status != string(biz.OrderCancelled) {
				t.Fatalf("round %d: lock row %+v, want CANCELLED", i, lock)
			}
			switch {
			case payErr == nil:
				refunded++
				succ, ref := "payment:succeeded/"+sn+"/1", "payment:refunded/"+sn+"/2"
				if len(ps) != 1 || ps[0].PaymentSN != paid.PaymentSN || ps[0].Status != biz.PaymentRefunded ||
					lock.PaymentSN != paid.PaymentSN || len(ids) != 2 || !ids[succ] || !ids[ref] {
					t.Fatalf("round %d: payment accepted but not refunded: payments %s lock %+v outbox %v",
						i, describe(ps), *lock, ids)
				}
			case errors.Reason(payErr) == "ORDER_CANCELLED":
				refused++
				if len(ps) != 0 || lock.PaymentSN != "" || len(ids) != 0 {
					t.Fatalf("round %d: payment refused but recorded: payments %s lock %+v outbox %v",
						i, describe(ps), *lock, ids)
				}
			default:
				t.Fatalf("round %d: payment: %v, want success or ORDER_CANCELLED", i, payErr)
			}
		}
		t.Logf("%d rounds: %d paid then refunded, %d refused", raceRounds, refunded, refused)
	})
}

// describe formats payments for a failure message.
func describe(ps []*biz.Payment) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = fmt.Sprintf("%s:%s:v%d", p.PaymentSN, p.Status, p.Version)
	}
	return "[" + strings.Join(out, " ") + "]"
}
