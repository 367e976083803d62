package shopapitest

import (
	"net/http"
	"sort"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

func (s *Shop) orderMux() http.Handler {
	m := http.NewServeMux()
	m.Handle("POST /v1/orders", s.wrap(func(r *http.Request, st *State) (any, *shopapi.Error) {
		var req shopapi.CreateOrderRequest
		if e := decode(r, &req); e != nil {
			return nil, e
		}
		o, err := st.NewOrder(req.UserID, s.now(), s.paymentTimeout(), req.Items...)
		if err != nil {
			return nil, asAPIError(err)
		}
		return o, nil
	}))
	m.Handle("GET /v1/orders/{sn}", s.getOrder())
	m.Handle("GET /v1/orders", s.wrap(func(r *http.Request, st *State) (any, *shopapi.Error) {
		status := r.URL.Query().Get("status")
		keys, next, e := s.page(r, filterKeys(st.orders, func(o *shopapi.Order) bool { return status == "" || o.Status == status }))
		page := shopapi.OrderPage{Orders: []shopapi.Order{}, NextPageToken: next}
		for _, k := range keys {
			page.Orders = append(page.Orders, *st.orders[k])
		}
		return page, e
	}))
	return m
}

func (s *Shop) inventoryMux() http.Handler {
	m := http.NewServeMux()
	m.Handle("GET /v1/products", s.wrap(func(r *http.Request, st *State) (any, *shopapi.Error) {
		out := struct {
			Products []shopapi.Product `json:"products"`
		}{[]shopapi.Product{}}
		for _, k := range sortedKeys(st.products) {
			p := *st.products[k]
			if stk := st.stocks[k]; stk != nil {
				p.Available = stk.Available
			}
			out.Products = append(out.Products, p)
		}
		return out, nil
	}))
	m.Handle("GET /v1/inventory", s.wrap(func(r *http.Request, st *State) (any, *shopapi.Error) {
		out := struct {
			Stocks []shopapi.Stock `json:"stocks"`
		}{[]shopapi.Stock{}}
		for _, k := range sortedKeys(st.stocks) {
			out.Stocks = append(out.Stocks, *st.stocks[k])
		}
		return out, nil
	}))
	m.Handle("GET /v1/inventory/{sku}", s.wrap(func(r *http.Request, st *State) (any, *shopapi.Error) {
		if stk := st.stocks[r.PathValue("sku")]; stk != nil {
			return stk, nil
		}
		return nil, apiError(http.StatusNotFound, shopapi.ReasonSKUNotFound, "sku %s", r.PathValue("sku"))
	}))
	m.Handle("POST /v1/inventory/{sku}", s.wrap(func(r *http.Request, st *State) (any, *shopapi.Error) {
		sku, verb := pathSKU(r)
		var req struct {
			Quantity int64 `json:"quantity"`
		}
		stk := st.stocks[sku]
		switch e := decode(r, &req); {
		case verb != "restock":
			return nil, apiError(http.StatusNotFound, "NOT_FOUND", "no such method %q", verb)
		case e != nil:
			return nil, e
		case stk == nil:
			return nil, apiError(http.StatusNotFound, shopapi.ReasonSKUNotFound, "sku %s", sku)
		case req.Quantity <= 0:
			return nil, apiError(http.StatusBadRequest, shopapi.ReasonInvalidArgument, "quantity %d", req.Quantity)
		}
		stk.Total += req.Quantity
		stk.Available += req.Quantity
		stk.Version++
		return stk, nil
	}))
	m.Handle("GET /v1/reservations", s.wrap(func(r *http.Request, st *State) (any, *shopapi.Error) {
		sn := r.URL.Query().Get("order_sn")
		keys, next, e := s.page(r, filterKeys(st.reservations, func(v *shopapi.Reservation) bool { return sn == "" || v.OrderSN == sn }))
		page := shopapi.ReservationPage{Reservations: []shopapi.Reservation{}, NextPageToken: next}
		for _, k := range keys {
			page.Reservations = append(page.Reservations, *st.reservations[k])
		}
		return page, e
	}))
	return m
}

func (s *Shop) paymentMux() http.Handler {
	m := http.NewServeMux()
	m.Handle("POST /v1/payments", s.wrap(func(r *http.Request, st *State) (any, *shopapi.Error) {
		var req shopapi.CreatePaymentRequest
		if e := decode(r, &req); e != nil {
			return nil, e
		}
		p, err := st.Pay(req.OrderSN, req.Amount, s.now())
		if err != nil {
			return nil, asAPIError(err)
		}
		return p, nil
	}))
	m.Handle("GET /v1/payments", s.wrap(func(r *http.Request, st *State) (any, *shopapi.Error) {
		sn := r.URL.Query().Get("order_sn")
		keys, next, e := s.page(r, filterKeys(st.payments, func(p *shopapi.Payment) bool { return sn == "" || p.OrderSN == sn }))
		page := shopapi.PaymentPage{Payments: []shopapi.Payment{}, NextPageToken: next}
		for _, k := range keys {
			page.Payments = append(page.Payments, *st.payments[k])
		}
		return page, e
	}))
	return m
}

func sortedKeys[T any](m map[string]T) []string {
	keys := filterKeys(m, func(T) bool { return true })
	sort.Strings(keys)
	return keys
}
