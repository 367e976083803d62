package verify

import (
	"fmt"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// order checks one order against its reservation and payments.
func (c *checker) order(o *shopapi.Order) {
	sn := o.OrderSN
	res := "absent"
	if r := c.s.reservations[sn]; r != nil {
		res = r.Status
	}
	pays := c.s.payments[sn]
	var ok []*shopapi.Payment // SUCCEEDED
	for _, p := range pays {
		if p.Status == shopapi.PaymentSucceeded {
			ok = append(ok, p)
		}
	}
	bad := func(name, expected, got string) {
		c.add(name, Violation{OrderSN: sn, Expected: expected, Got: got})
	}
	c.fields(o, bad)
	if len(ok) > 1 {
		bad(SinglePayment, "at most 1 SUCCEEDED payment", fmt.Sprintf("%d: %s", len(ok), paymentList(ok)))
	}
	switch o.Status {
	case shopapi.StatusCreated:
		if res != "absent" && res != shopapi.ReservationReserved && res != shopapi.ReservationRejected {
			bad(OrderCreated, "reservation absent, RESERVED or REJECTED", "reservation "+res)
		}
		if len(pays) > 0 {
			bad(OrderCreated, "no payment", paymentList(pays))
		}
	case shopapi.StatusAwaitingPayment:
		if res != shopapi.ReservationReserved {
			bad(OrderAwaiting, "reservation RESERVED", "reservation "+res)
		}
		for _, p := range pays {
			young := c.s.at.Sub(p.CreatedAt) < c.o.Slack || c.s.at.Sub(o.CreatedAt) < c.o.Slack
			if p.Status != shopapi.PaymentSucceeded || !young {
				c.add(OrderAwaiting, Violation{OrderSN: sn, PaymentSN: p.PaymentSN,
					Expected: "no payment, or a SUCCEEDED one younger than slack " + c.o.Slack.String(),
					Got:      fmt.Sprintf("%s payment created %s ago", p.Status, c.s.at.Sub(p.CreatedAt).Round(time.Millisecond))})
			}
		}
	case shopapi.StatusPaid:
		if res != shopapi.ReservationSold {
			bad(OrderPaid, "reservation SOLD", "reservation "+res)
		}
		if len(pays) != 1 || len(ok) != 1 || ok[0].Amount != o.TotalAmount {
			bad(OrderPaid, fmt.Sprintf("exactly 1 payment, SUCCEEDED, of %d", o.TotalAmount), orNone(paymentList(pays)))
		}
	case shopapi.StatusCancelled:
		if res == shopapi.ReservationReserved || res == shopapi.ReservationSold {
			bad(OrderCancelled, "reservation RELEASED, REJECTED, CANCELLED or absent", "reservation "+res)
		}
		for _, p := range ok {
			c.add(CancelledRefunded, Violation{OrderSN: sn, PaymentSN: p.PaymentSN, Expected: "payment REFUNDED",
				Got: fmt.Sprintf("%s payment of %d", p.Status, p.Amount)})
		}
		// A timeout may beat a slow rejection, leaving CANCELLED(PAYMENT_TIMEOUT)
		// with a REJECTED reservation; only OUT_OF_STOCK without REJECTED is wrong.
		if o.CancelReason == shopapi.CancelOutOfStock && res != shopapi.ReservationRejected {
			bad(OutOfStock, "reservation REJECTED", "reservation "+res)
		}
	}
	if !o.Terminal() {
		deadline := o.CreatedAt.Add(c.o.PaymentTimeout)
		if o.PaymentDeadline.After(deadline) {
			deadline = o.PaymentDeadline
		}
		if limit := deadline.Add(c.o.Slack); c.s.at.After(limit) {
			bad(OrderStuck, "PAID or CANCELLED by "+limit.UTC().Format(time.RFC3339),
				fmt.Sprintf("%s, %s old", o.Status, c.s.at.Sub(o.CreatedAt).Round(time.Second)))
		}
	}
}

// fields checks what an order says about itself.
func (c *checker) fields(o *shopapi.Order, bad func(name, expected, got string)) {
	switch o.Status {
	case shopapi.StatusCreated, shopapi.StatusAwaitingPayment, shopapi.StatusPaid:
		if o.CancelReason != "" {
			bad(OrderFields, "no cancel_reason on a "+o.Status+" order", "cancel_reason "+o.CancelReason)
		}
	case shopapi.StatusCancelled:
		if o.CancelReason != shopapi.CancelOutOfStock && o.CancelReason != shopapi.CancelPaymentTimeout {
			bad(OrderFields, "cancel_reason OUT_OF_STOCK or PAYMENT_TIMEOUT", fmt.Sprintf("cancel_reason %q", o.CancelReason))
		}
	default:
		bad(OrderFields, "status CREATED, AWAITING_PAYMENT, PAID or CANCELLED", fmt.Sprintf("status %q", o.Status))
	}
	var sum int64
	for _, it := range o.Items {
		sum += it.Quantity * it.UnitPrice
	}
	if sum != o.TotalAmount {
		bad(OrderFields, fmt.Sprintf("total_amount %d (sum of items)", sum), fmt.Sprintf("total_amount %d", o.TotalAmount))
	}
}

func paymentList(ps []*shopapi.Payment) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %s %d", p.PaymentSN, p.Status, p.Amount)
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "no payment"
	}
	return s
}
