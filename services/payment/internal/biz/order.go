package biz

import (
	"context"

	v1 "github.com/sagashop/sagashop/services/payment/api/payment/v1"
)

// OrderAwaitingPayment is the only order status that can be paid.
const OrderAwaitingPayment = "AWAITING_PAYMENT"

// Order is what the payment service learns about an order from the order
// service.
type Order struct {
	OrderSN      string
	UserID       string
	Status       string
	CancelReason string
	TotalAmount  int64
	Version      int64
}

// Orders reads orders from the order service. GetOrder fails with an
// ORDER_NOT_FOUND error (v1.ErrorOrderNotFound) for an unknown order and
// an UNAVAILABLE error when the order service cannot answer. It is safe for
// concurrent use.
type Orders interface {
	GetOrder(ctx context.Context, orderSN string) (*Order, error)
}

// checkPayable applies the rules that need only the order service's view:
// the amount must be the order's total and the order must await payment.
func checkPayable(o *Order, amount int64) error {
	if amount != o.TotalAmount {
		return v1.ErrorWrongAmount("amount %d is not the order's total %d", amount, o.TotalAmount)
	}
	if o.Status != OrderAwaitingPayment {
		return v1.ErrorOrderNotPayable("order %s is %s, not %s", o.OrderSN, o.Status, OrderAwaitingPayment)
	}
	return nil
}

// checkLock applies the rules decided under the order's lock row: a
// cancelled order takes no payment, and an order takes one SUCCEEDED
// payment at most.
func checkLock(lock *OrderLock) error {
	if lock.Status == OrderCancelled {
		return v1.ErrorOrderCancelled("order %s is cancelled", lock.OrderSN)
	}
	if lock.PaymentSN != "" {
		return v1.ErrorAlreadyPaid("order %s is already paid by %s", lock.OrderSN, lock.PaymentSN)
	}
	return nil
}
