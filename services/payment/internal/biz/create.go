package biz

import (
	"context"
	"fmt"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
	v1 "github.com/sagashop/sagashop/services/payment/api/payment/v1"
)

// Create pays orderSN with amount cents. It asks the order service for the
// order (ORDER_NOT_FOUND, UNAVAILABLE), checks the amount (WRONG_AMOUNT)
// and the status (ORDER_NOT_PAYABLE, or ALREADY_PAID when this service
// holds a SUCCEEDED payment for it), then, under the order's lock row,
// refuses a cancelled order (ORDER_CANCELLED) or a second payment
// (ALREADY_PAID) and records the payment with its payment:succeeded event
// in one transaction.
func (uc *PaymentUsecase) Create(ctx context.Context, orderSN string, amount int64) (*Payment, error) {
	if orderSN == "" {
		return nil, v1.ErrorInvalidArgument("order_sn is required")
	}
	if amount <= 0 {
		return nil, v1.ErrorInvalidArgument("amount must be positive, got %d", amount)
	}
	o, err := uc.orders.GetOrder(ctx, orderSN)
	if err != nil {
		return nil, err
	}
	if err := checkPayable(o, amount); err != nil {
		if v1.IsOrderNotPayable(err) {
			return nil, uc.explainNotPayable(ctx, orderSN, err)
		}
		return nil, err
	}
	var paid *Payment
	err = uc.retryTx(ctx, func(ctx context.Context) error {
		p, err := uc.record(ctx, orderSN, amount)
		paid = p
		return err
	})
	if err != nil {
		return nil, err
	}
	uc.log.WithContext(ctx).Infof("payment %s recorded for order %s (%d)", paid.PaymentSN, orderSN, amount)
	return paid, nil
}

// record is Create's transaction.
func (uc *PaymentUsecase) record(ctx context.Context, orderSN string, amount int64) (*Payment, error) {
	lock, err := uc.repo.LockOrder(ctx, orderSN)
	if err != nil {
		return nil, fmt.Errorf("biz: lock order %s: %w", orderSN, err)
	}
	if err := checkLock(lock); err != nil {
		return nil, err
	}
	// Microseconds are what DATETIME(6) keeps: the reply shows what a later
	// read returns.
	now := uc.now().UTC().Truncate(time.Microsecond)
	sn, err := uc.newSN(now)
	if err != nil {
		return nil, err
	}
	p := &Payment{
		PaymentSN: sn, OrderSN: orderSN, Amount: amount, Status: PaymentSucceeded,
		Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if err := uc.repo.Create(ctx, p); err != nil {
		return nil, fmt.Errorf("biz: create payment %s: %w", sn, err)
	}
	if err := uc.repo.AttachPayment(ctx, lock, sn); err != nil {
		return nil, fmt.Errorf("biz: attach payment %s to order %s: %w", sn, orderSN, err)
	}
	e, err := event.New(event.PaymentSucceeded, orderSN, p.Version, now,
		event.PaymentSucceededPayload{PaymentSN: sn, Amount: amount})
	if err != nil {
		return nil, fmt.Errorf("biz: payment:succeeded of %s: %w", sn, err)
	}
	if err := uc.pub.Publish(ctx, e); err != nil {
		return nil, fmt.Errorf("biz: publish %s: %w", e.EventID, err)
	}
	return p, nil
}

// explainNotPayable turns ORDER_NOT_PAYABLE into ALREADY_PAID when this
// service holds a SUCCEEDED payment for the order: a second POST for a paid
// order then gets the same answer whether or not the order service has
// seen the payment yet.
func (uc *PaymentUsecase) explainNotPayable(ctx context.Context, orderSN string, notPayable error) error {
	ps, err := uc.repo.List(ctx, ListQuery{OrderSN: orderSN, Limit: 100})
	if err != nil {
		return notPayable
	}
	for _, p := range ps {
		if p.Status == PaymentSucceeded {
			return v1.ErrorAlreadyPaid("order %s is already paid by %s", orderSN, p.PaymentSN)
		}
	}
	return notPayable
}
