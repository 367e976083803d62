package biz

import (
	"context"
	"fmt"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/idem"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
)

// ScheduleTimeout reacts to the service's own order:created: it sends
// order:timeout (event id ID(OrderTimeout, sn, 1)) with the payment
// delay. The caller acks the message only after it returns nil, so the
// timeout exists even if the process dies right after the order commits.
// A duplicate timeout is harmless, so there is no dedup.
func (uc *OrderUsecase) ScheduleTimeout(ctx context.Context, created event.Envelope) error {
	var p event.OrderCreatedPayload
	if err := created.Unmarshal(&p); err != nil {
		return fmt.Errorf("%w: %w", ErrBadEvent, err)
	}
	e, err := event.New(event.OrderTimeout, created.OrderSN, 1, created.OccurredAt,
		event.OrderTimeoutPayload{PaymentDeadline: p.PaymentDeadline})
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadEvent, err)
	}
	return uc.o.Timeouts.ScheduleTimeout(ctx, e)
}

// HandleStockReserved moves a CREATED order to AWAITING_PAYMENT.
func (uc *OrderUsecase) HandleStockReserved(ctx context.Context, e event.Envelope) error {
	return uc.react(ctx, e, trigger{kind: event.StockReserved})
}

// HandleStockRejected cancels a CREATED order (OUT_OF_STOCK) and announces
// order:cancelled.
func (uc *OrderUsecase) HandleStockRejected(ctx context.Context, e event.Envelope) error {
	return uc.react(ctx, e, trigger{kind: event.StockRejected})
}

// HandlePaymentSucceeded marks an AWAITING_PAYMENT order PAID and announces
// order:paid. A payment for a CANCELLED order is ignored (the payment
// service refunds it when it sees order:cancelled); one for a CREATED
// order fails with ErrNotReady so the message is retried.
func (uc *OrderUsecase) HandlePaymentSucceeded(ctx context.Context, e event.Envelope) error {
	var p event.PaymentSucceededPayload
	if err := e.Unmarshal(&p); err != nil {
		return fmt.Errorf("%w: %w", ErrBadEvent, err)
	}
	return uc.react(ctx, e, trigger{kind: event.PaymentSucceeded, paymentSN: p.PaymentSN, amount: p.Amount})
}

// HandleTimeout cancels an order still open (PAYMENT_TIMEOUT) and announces
// order:cancelled.
func (uc *OrderUsecase) HandleTimeout(ctx context.Context, e event.Envelope) error {
	var p event.OrderTimeoutPayload
	if err := e.Unmarshal(&p); err != nil {
		return fmt.Errorf("%w: %w", ErrBadEvent, err)
	}
	if early := p.PaymentDeadline.Sub(uc.now()); early > time.Second {
		uc.log.WithContext(ctx).Warnf("order:timeout of %s arrived %v before its deadline: "+
			"payment_timeout and the broker's delay level 16 differ", e.OrderSN, early)
	}
	// Nearly every order is paid or cancelled by the time its timeout
	// arrives, and then the timeout changes nothing. One read outside a
	// transaction settles that case: a closed order never opens again, so
	// ignoring the event without claiming it is as safe as claiming it and
	// ignoring it, and saves the transaction and the dedup insert.
	if o, err := uc.o.Orders.Get(ctx, e.OrderSN); err == nil && !o.Status.Open() {
		uc.log.WithContext(ctx).Debugf("%s ignored for %s order %s", e.EventID, o.Status, e.OrderSN)
		return nil
	}
	return uc.react(ctx, e, trigger{kind: event.OrderTimeout})
}

// trigger is what drives one transition: the event type and, for a
// payment, its payment_sn and amount.
type trigger struct {
	kind      event.Type
	paymentSN string
	amount    int64
}

// react applies t to the order of e once: the dedup claim of e's id and the
// change share one transaction, retried while the version check loses.
func (uc *OrderUsecase) react(ctx context.Context, e event.Envelope, t trigger) error {
	return idem.Retry(ctx, uc.o.RetryAttempts, func(ctx context.Context) error {
		return uc.o.Tx.InTx(ctx, func(ctx context.Context) error {
			fresh, err := uc.o.Dedup.Claim(ctx, e.EventID)
			if err != nil {
				return err
			}
			if !fresh {
				uc.log.WithContext(ctx).Debugf("%s already handled", e.EventID)
				return nil
			}
			_, err = uc.transition(ctx, e.OrderSN, t)
			return err
		})
	})
}

// transition applies t to the order sn inside ctx's transaction and
// publishes the event announcing the change. It reports whether the order
// changed.
func (uc *OrderUsecase) transition(ctx context.Context, sn string, t trigger) (bool, error) {
	o, err := uc.o.Orders.Get(ctx, sn)
	if v1.IsOrderNotFound(err) {
		// Events about an order follow its committed order:created, so
		// this is a foreign or hand-made message: nothing to change.
		uc.log.WithContext(ctx).Errorf("%s for unknown order %s ignored", t.kind, sn)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	tr, err := Next(o.Status, t.kind)
	if err != nil || !tr.Apply {
		if err == nil {
			uc.log.WithContext(ctx).Debugf("%s ignored for %s order %s", t.kind, o.Status, sn)
		}
		return false, err
	}
	st := State{Status: tr.To, CancelReason: tr.CancelReason}
	if tr.To == StatusPaid {
		st.PaymentSN = t.paymentSN
		if t.amount != o.TotalAmount {
			uc.log.WithContext(ctx).Errorf("payment %s of %d for order %s of %d", t.paymentSN, t.amount, sn, o.TotalAmount)
		}
	}
	if err := uc.o.Orders.Update(ctx, sn, o.Version, st); err != nil {
		return false, err
	}
	if tr.Announce == "" {
		return true, nil
	}
	var payload any
	switch tr.Announce {
	case event.OrderPaid:
		payload = event.OrderPaidPayload{PaymentSN: t.paymentSN, Amount: t.amount}
	case event.OrderCancelled:
		payload = event.OrderCancelledPayload{Reason: tr.CancelReason}
	}
	ann, err := event.New(tr.Announce, sn, o.Version+1, uc.now(), payload)
	if err != nil {
		return false, fmt.Errorf("biz: %s of %s: %w", tr.Announce, sn, err)
	}
	return true, uc.o.Events.Publish(ctx, ann)
}
