package biz

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
)

// RefundReasonOrderCancelled is the reason of a refund caused by the
// order's cancellation.
const RefundReasonOrderCancelled = "ORDER_CANCELLED"

// OrderCancelled handles an order:cancelled event. In one transaction it
// claims the event (a redelivery does nothing), marks the order's lock row
// CANCELLED so no payment is taken afterwards, and refunds the order's
// SUCCEEDED payment, if any, with a payment:refunded event. An error means
// "deliver again later".
func (uc *PaymentUsecase) OrderCancelled(ctx context.Context, e event.Envelope) error {
	if e.Type != event.OrderCancelled {
		return fmt.Errorf("biz: %s is not %s", e.EventID, event.OrderCancelled)
	}
	return uc.retryTx(ctx, func(ctx context.Context) error {
		fresh, err := uc.dedup.Claim(ctx, e.EventID)
		if err != nil {
			return fmt.Errorf("biz: claim %s: %w", e.EventID, err)
		}
		if !fresh {
			uc.log.WithContext(ctx).Debugf("%s already handled", e.EventID)
			return nil
		}
		return uc.cancel(ctx, e.OrderSN)
	})
}

// cancel is OrderCancelled's work after the claim.
func (uc *PaymentUsecase) cancel(ctx context.Context, orderSN string) error {
	lock, err := uc.repo.LockOrder(ctx, orderSN)
	if err != nil {
		return fmt.Errorf("biz: lock order %s: %w", orderSN, err)
	}
	if lock.Status != OrderCancelled {
		if err := uc.repo.CancelOrder(ctx, lock); err != nil {
			return fmt.Errorf("biz: cancel order %s: %w", orderSN, err)
		}
	}
	if lock.PaymentSN == "" {
		return nil
	}
	p, err := uc.repo.GetPayment(ctx, lock.PaymentSN)
	if errors.Is(err, ErrNoPayment) {
		return fmt.Errorf("biz: order %s names missing payment %s: %w", orderSN, lock.PaymentSN, err)
	}
	if err != nil {
		return fmt.Errorf("biz: load payment %s: %w", lock.PaymentSN, err)
	}
	if !p.CanRefund() {
		return nil
	}
	now := uc.now().UTC().Truncate(time.Microsecond)
	if err := uc.repo.Refund(ctx, p, now); err != nil {
		return fmt.Errorf("biz: refund %s: %w", p.PaymentSN, err)
	}
	ev, err := event.New(event.PaymentRefunded, orderSN, p.Version, now, event.PaymentRefundedPayload{
		PaymentSN: p.PaymentSN, Amount: p.Amount, Reason: RefundReasonOrderCancelled,
	})
	if err != nil {
		return fmt.Errorf("biz: payment:refunded of %s: %w", p.PaymentSN, err)
	}
	if err := uc.pub.Publish(ctx, ev); err != nil {
		return fmt.Errorf("biz: publish %s: %w", ev.EventID, err)
	}
	uc.log.WithContext(ctx).Infof("payment %s of cancelled order %s refunded", p.PaymentSN, orderSN)
	return nil
}
