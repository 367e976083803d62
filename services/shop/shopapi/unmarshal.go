package shopapi

import (
	"encoding/json"
	"time"
)

// The UnmarshalJSON methods decode through an alias type whose numeric, time
// and enum fields are shadowed by the flex types of decode.go.

// UnmarshalJSON decodes an order item, accepting 64-bit ints as strings.
func (it *OrderItem) UnmarshalJSON(b []byte) error {
	type plain OrderItem
	var w struct {
		*plain
		Quantity  flexInt `json:"quantity"`
		UnitPrice flexInt `json:"unit_price"`
	}
	w.plain = (*plain)(it)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	it.Quantity, it.UnitPrice = int64(w.Quantity), int64(w.UnitPrice)
	return nil
}

// UnmarshalJSON decodes an order, accepting 64-bit ints as strings, enum
// names with a proto prefix and empty timestamps.
func (o *Order) UnmarshalJSON(b []byte) error {
	type plain Order
	var w struct {
		*plain
		Status          flexEnum `json:"status"`
		CancelReason    flexEnum `json:"cancel_reason"`
		TotalAmount     flexInt  `json:"total_amount"`
		Version         flexInt  `json:"version"`
		PaymentDeadline flexTime `json:"payment_deadline"`
		CreatedAt       flexTime `json:"created_at"`
		UpdatedAt       flexTime `json:"updated_at"`
	}
	w.plain = (*plain)(o)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	o.Status, o.CancelReason = string(w.Status), string(w.CancelReason)
	o.TotalAmount, o.Version = int64(w.TotalAmount), int64(w.Version)
	o.PaymentDeadline = time.Time(w.PaymentDeadline)
	o.CreatedAt, o.UpdatedAt = time.Time(w.CreatedAt), time.Time(w.UpdatedAt)
	return nil
}

// UnmarshalJSON decodes a line, accepting the quantity as a string.
func (l *Line) UnmarshalJSON(b []byte) error {
	type plain Line
	var w struct {
		*plain
		Quantity flexInt `json:"quantity"`
	}
	w.plain = (*plain)(l)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	l.Quantity = int64(w.Quantity)
	return nil
}

// UnmarshalJSON decodes a product, accepting 64-bit ints as strings.
func (p *Product) UnmarshalJSON(b []byte) error {
	type plain Product
	var w struct {
		*plain
		Price     flexInt `json:"price"`
		Available flexInt `json:"available"`
	}
	w.plain = (*plain)(p)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	p.Price, p.Available = int64(w.Price), int64(w.Available)
	return nil
}

// UnmarshalJSON decodes a stock, accepting 64-bit ints as strings.
func (s *Stock) UnmarshalJSON(b []byte) error {
	type plain Stock
	var w struct {
		*plain
		Total     flexInt `json:"total"`
		Available flexInt `json:"available"`
		Reserved  flexInt `json:"reserved"`
		Sold      flexInt `json:"sold"`
		Version   flexInt `json:"version"`
	}
	w.plain = (*plain)(s)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	s.Total, s.Available, s.Reserved = int64(w.Total), int64(w.Available), int64(w.Reserved)
	s.Sold, s.Version = int64(w.Sold), int64(w.Version)
	return nil
}

// UnmarshalJSON decodes a reservation, accepting 64-bit ints as strings and
// prefixed enum names.
func (r *Reservation) UnmarshalJSON(b []byte) error {
	type plain Reservation
	var w struct {
		*plain
		Status  flexEnum `json:"status"`
		Version flexInt  `json:"version"`
	}
	w.plain = (*plain)(r)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	r.Status, r.Version = string(w.Status), int64(w.Version)
	return nil
}

// UnmarshalJSON decodes a payment, accepting 64-bit ints as strings,
// prefixed enum names and empty timestamps.
func (p *Payment) UnmarshalJSON(b []byte) error {
	type plain Payment
	var w struct {
		*plain
		Amount    flexInt  `json:"amount"`
		Status    flexEnum `json:"status"`
		CreatedAt flexTime `json:"created_at"`
		UpdatedAt flexTime `json:"updated_at"`
	}
	w.plain = (*plain)(p)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	p.Amount, p.Status = int64(w.Amount), string(w.Status)
	p.CreatedAt, p.UpdatedAt = time.Time(w.CreatedAt), time.Time(w.UpdatedAt)
	return nil
}
