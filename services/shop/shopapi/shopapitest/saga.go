package shopapitest

import (
	"net/http"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// touch bumps an order's version and updated_at.
func touch(o *shopapi.Order, at time.Time) { o.Version++; o.UpdatedAt = at }

// Reserve plays inventory's order:created and order's stock:reserved or
// stock:rejected: every line reserved and the order AWAITING_PAYMENT, or
// the reservation REJECTED and the order CANCELLED(OUT_OF_STOCK). Orders
// not CREATED, or already holding a reservation, are left alone.
func (s *State) Reserve(sn string, at time.Time) {
	o := s.orders[sn]
	if o == nil || o.Status != shopapi.StatusCreated || s.reservations[sn] != nil {
		return
	}
	r := &shopapi.Reservation{OrderSN: sn, Status: shopapi.ReservationReserved, Version: 1}
	for _, it := range o.Items {
		if st := s.stocks[it.SKU]; st == nil || st.Available < it.Quantity {
			r.Status = shopapi.ReservationRejected
		}
	}
	s.reservations[sn] = r
	touch(o, at)
	if r.Status == shopapi.ReservationRejected {
		o.Status, o.CancelReason = shopapi.StatusCancelled, shopapi.CancelOutOfStock
		delete(s.open, sn)
		return
	}
	for _, it := range o.Items {
		st := s.stocks[it.SKU]
		st.Available -= it.Quantity
		st.Reserved += it.Quantity
		st.Version++
		r.Lines = append(r.Lines, shopapi.Line{SKU: it.SKU, Quantity: it.Quantity})
	}
	o.Status = shopapi.StatusAwaitingPayment
}

// Pay plays POST /v1/payments: the checks of the payment service, then a
// SUCCEEDED payment. The order is not changed (see MarkPaid).
func (s *State) Pay(sn string, amount int64, at time.Time) (*shopapi.Payment, error) {
	o := s.orders[sn]
	switch {
	case o == nil:
		return nil, apiError(http.StatusNotFound, shopapi.ReasonOrderNotFound, "order %s", sn)
	case amount != o.TotalAmount:
		return nil, apiError(http.StatusBadRequest, shopapi.ReasonWrongAmount, "amount %d, want %d", amount, o.TotalAmount)
	case o.Status != shopapi.StatusAwaitingPayment:
		return nil, apiError(http.StatusConflict, shopapi.ReasonOrderNotPayable, "order is %s", o.Status)
	}
	for _, p := range s.PaymentsOf(sn) {
		if p.Status == shopapi.PaymentSucceeded {
			return nil, apiError(http.StatusConflict, shopapi.ReasonAlreadyPaid, "paid by %s", p.PaymentSN)
		}
	}
	return s.AddPayment(shopapi.Payment{OrderSN: sn, Amount: amount, Status: shopapi.PaymentSucceeded,
		CreatedAt: at, UpdatedAt: at}), nil
}

// MarkPaid plays order's payment:succeeded and inventory's order:paid: an
// AWAITING_PAYMENT order becomes PAID and its reservation SOLD.
func (s *State) MarkPaid(sn string, at time.Time) {
	o, r := s.orders[sn], s.reservations[sn]
	if o == nil || o.Status != shopapi.StatusAwaitingPayment || r == nil || r.Status != shopapi.ReservationReserved {
		return
	}
	o.Status = shopapi.StatusPaid
	touch(o, at)
	delete(s.open, sn)
	r.Status = shopapi.ReservationSold
	r.Version++
	for _, l := range r.Lines {
		st := s.stocks[l.SKU]
		st.Reserved -= l.Quantity
		st.Sold += l.Quantity
		st.Version++
	}
}

// Cancel plays order:timeout and its compensations: the order CANCELLED
// with reason, the reservation RELEASED (or a CANCELLED tombstone when there
// is none) and every SUCCEEDED payment REFUNDED. PAID and CANCELLED orders
// are left alone.
func (s *State) Cancel(sn, reason string, at time.Time) {
	o := s.orders[sn]
	if o == nil || o.Terminal() {
		return
	}
	o.Status, o.CancelReason = shopapi.StatusCancelled, reason
	touch(o, at)
	delete(s.open, sn)
	switch r := s.reservations[sn]; {
	case r == nil:
		s.reservations[sn] = &shopapi.Reservation{OrderSN: sn, Status: shopapi.ReservationCancelled, Version: 1}
	case r.Status == shopapi.ReservationReserved:
		r.Status = shopapi.ReservationReleased
		r.Version++
		for _, l := range r.Lines {
			st := s.stocks[l.SKU]
			st.Reserved -= l.Quantity
			st.Available += l.Quantity
			st.Version++
		}
	}
	for _, p := range s.PaymentsOf(sn) {
		if p.Status == shopapi.PaymentSucceeded {
			p.Status, p.UpdatedAt = shopapi.PaymentRefunded, at
		}
	}
}

// advance runs the saga steps that are due at now: reservations
// reserveDelay after creation, PAID payDelay after a payment, and the
// payment timeout (when paymentTimeout > 0).
func (s *State) advance(now time.Time, reserveDelay, payDelay, paymentTimeout time.Duration) {
	for sn := range s.open {
		o := s.orders[sn]
		if o.Status == shopapi.StatusCreated && !now.Before(o.CreatedAt.Add(reserveDelay)) {
			s.Reserve(sn, now)
		}
		if o.Status == shopapi.StatusAwaitingPayment {
			for _, p := range s.PaymentsOf(sn) {
				if p.Status == shopapi.PaymentSucceeded && !now.Before(p.CreatedAt.Add(payDelay)) {
					s.MarkPaid(sn, now)
				}
			}
		}
		if paymentTimeout > 0 && !o.Terminal() && now.After(o.PaymentDeadline) {
			s.Cancel(sn, shopapi.CancelPaymentTimeout, now)
		}
	}
}
