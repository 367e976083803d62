package biz

import (
	"context"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/idem"
)

// sweepBatch is how many overdue orders one query of the sweep returns.
const sweepBatch = 100

// Sweep is the backstop for lost order:timeout messages: it cancels
// (PAYMENT_TIMEOUT, as the timeout would) every open order whose payment
// deadline passed more than grace ago, logging each at warn. It returns
// how many it cancelled; it stops at the first error.
func (uc *OrderUsecase) Sweep(ctx context.Context, grace time.Duration) (int, error) {
	cutoff := uc.now().Add(-grace)
	cancelled := 0
	for {
		sns, err := uc.o.Orders.ListOverdue(ctx, cutoff, sweepBatch)
		if err != nil {
			return cancelled, err
		}
		before := cancelled
		for _, sn := range sns {
			var changed bool
			err := idem.Retry(ctx, uc.o.RetryAttempts, func(ctx context.Context) error {
				return uc.o.Tx.InTx(ctx, func(ctx context.Context) error {
					var err error
					changed, err = uc.transition(ctx, sn, trigger{kind: event.OrderTimeout})
					return err
				})
			})
			if err != nil {
				return cancelled, err
			}
			if changed {
				cancelled++
				uc.log.WithContext(ctx).Warnf("sweep cancelled order %s: its order:timeout did not arrive within %v of the deadline", sn, grace)
			}
		}
		if len(sns) < sweepBatch || cancelled == before {
			return cancelled, nil
		}
	}
}
