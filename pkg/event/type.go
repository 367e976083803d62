package event

import "strings"

// Topics of the saga's events.
const (
	TopicOrder   = "order"
	TopicStock   = "stock"
	TopicPayment = "payment"
)

// Type names an event as "<topic>:<tag>".
type Type string

// The saga's event types.
const (
	OrderCreated     Type = "order:created"
	OrderTimeout     Type = "order:timeout"
	OrderPaid        Type = "order:paid"
	OrderCancelled   Type = "order:cancelled"
	StockReserved    Type = "stock:reserved"
	StockRejected    Type = "stock:rejected"
	PaymentSucceeded Type = "payment:succeeded"
	PaymentRefunded  Type = "payment:refunded"
)

// Types lists every valid Type.
func Types() []Type {
	return []Type{
		OrderCreated, OrderTimeout, OrderPaid, OrderCancelled,
		StockReserved, StockRejected, PaymentSucceeded, PaymentRefunded,
	}
}

// Topic returns the RocketMQ topic of t, the part before the colon
// ("order" for "order:created").
func (t Type) Topic() string {
	topic, _, _ := strings.Cut(string(t), ":")
	return topic
}

// Tag returns the RocketMQ tag of t, the part after the colon ("created"
// for "order:created"); "" when t has no colon.
func (t Type) Tag() string {
	_, tag, _ := strings.Cut(string(t), ":")
	return tag
}

// Valid reports whether t is one of the saga's event types.
func (t Type) Valid() bool {
	switch t {
	case OrderCreated, OrderTimeout, OrderPaid, OrderCancelled,
		StockReserved, StockRejected, PaymentSucceeded, PaymentRefunded:
		return true
	}
	return false
}
