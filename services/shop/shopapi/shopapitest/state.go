package shopapitest

import (
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// State is the fake shop's data: the three services' tables in memory. Its
// saga methods (NewOrder, Reserve, Pay, MarkPaid, Cancel) keep it consistent
// the way the real services do; tests corrupt it through the pointers the
// accessors return. State is not safe for concurrent use: reach it through
// Shop.Do or Shop.OnRequest, which hold the shop's lock.
type State struct {
	products     map[string]*shopapi.Product
	stocks       map[string]*shopapi.Stock
	orders       map[string]*shopapi.Order
	reservations map[string]*shopapi.Reservation
	payments     map[string]*shopapi.Payment
	byOrder      map[string][]string // order_sn -> payment_sns, in creation order
	open         map[string]bool     // order_sns in CREATED or AWAITING_PAYMENT
	seq          int
}

func newState() *State {
	return &State{
		products: map[string]*shopapi.Product{}, stocks: map[string]*shopapi.Stock{},
		orders: map[string]*shopapi.Order{}, reservations: map[string]*shopapi.Reservation{},
		payments: map[string]*shopapi.Payment{}, byOrder: map[string][]string{}, open: map[string]bool{},
	}
}

// AddSKU adds a product with qty units in stock.
func (s *State) AddSKU(sku, name string, price, qty int64) {
	s.products[sku] = &shopapi.Product{SKU: sku, Name: name, Price: price}
	s.stocks[sku] = &shopapi.Stock{SKU: sku, Total: qty, Available: qty, Version: 1}
}

// Order returns the order, nil if absent.
func (s *State) Order(sn string) *shopapi.Order { return s.orders[sn] }

// DeleteOrder removes an order (and nothing else).
func (s *State) DeleteOrder(sn string) { delete(s.orders, sn); delete(s.open, sn) }

// Stock returns the SKU's counters, nil if absent.
func (s *State) Stock(sku string) *shopapi.Stock { return s.stocks[sku] }

// Reservation returns the order's reservation, nil if absent.
func (s *State) Reservation(sn string) *shopapi.Reservation { return s.reservations[sn] }

// PutReservation stores r (replacing the order's reservation).
func (s *State) PutReservation(r shopapi.Reservation) { s.reservations[r.OrderSN] = &r }

// DeleteReservation removes the order's reservation.
func (s *State) DeleteReservation(sn string) { delete(s.reservations, sn) }

// PaymentsOf returns the order's payments in creation order.
func (s *State) PaymentsOf(sn string) []*shopapi.Payment {
	var ps []*shopapi.Payment
	for _, id := range s.byOrder[sn] {
		ps = append(ps, s.payments[id])
	}
	return ps
}

// AddPayment stores p as is, with a fresh payment_sn when p has none.
func (s *State) AddPayment(p shopapi.Payment) *shopapi.Payment {
	if p.PaymentSN == "" {
		s.seq++
		p.PaymentSN = fmt.Sprintf("PAY%08d", s.seq)
	}
	s.payments[p.PaymentSN] = &p
	s.byOrder[p.OrderSN] = append(s.byOrder[p.OrderSN], p.PaymentSN)
	return &p
}

// apiError builds the kratos-shaped error a real service would return.
func apiError(status int, reason, format string, args ...any) *shopapi.Error {
	return &shopapi.Error{Status: status, Code: status, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// NewOrder validates lines like the order service and inserts a CREATED
// order; errors are *shopapi.Error.
func (s *State) NewOrder(userID string, at time.Time, paymentTimeout time.Duration, lines ...shopapi.Line) (*shopapi.Order, error) {
	switch {
	case userID == "":
		return nil, apiError(http.StatusBadRequest, shopapi.ReasonInvalidArgument, "empty user_id")
	case len(lines) == 0 || len(lines) > 100:
		return nil, apiError(http.StatusBadRequest, shopapi.ReasonInvalidArgument, "%d items", len(lines))
	}
	seen := map[string]bool{}
	o := &shopapi.Order{UserID: userID, Status: shopapi.StatusCreated, Version: 1,
		PaymentDeadline: at.Add(paymentTimeout), CreatedAt: at, UpdatedAt: at}
	for _, l := range lines {
		p := s.products[l.SKU]
		switch {
		case l.Quantity <= 0 || seen[l.SKU]:
			return nil, apiError(http.StatusBadRequest, shopapi.ReasonInvalidArgument, "line %s x %d", l.SKU, l.Quantity)
		case p == nil:
			return nil, apiError(http.StatusBadRequest, shopapi.ReasonUnknownSKU, "unknown sku %q", l.SKU)
		}
		seen[l.SKU] = true
		o.Items = append(o.Items, shopapi.OrderItem{SKU: l.SKU, Name: p.Name, Quantity: l.Quantity, UnitPrice: p.Price})
		o.TotalAmount += l.Quantity * p.Price
	}
	sort.Slice(o.Items, func(i, j int) bool { return o.Items[i].SKU < o.Items[j].SKU })
	s.seq++
	o.OrderSN = fmt.Sprintf("SN%08d", s.seq)
	s.orders[o.OrderSN] = o
	s.open[o.OrderSN] = true
	return o, nil
}
