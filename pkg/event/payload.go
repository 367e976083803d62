package event

import "time"

// Line is one order line: a SKU, how many, and the unit price in cents.
type Line struct {
	SKU       string `json:"sku"`
	Quantity  int32  `json:"quantity"`
	UnitPrice int64  `json:"unit_price"`
}

// OrderCreatedPayload is the payload of OrderCreated.
type OrderCreatedPayload struct {
	UserID          string    `json:"user_id"`
	Lines           []Line    `json:"lines"`
	TotalAmount     int64     `json:"total_amount"`
	PaymentDeadline time.Time `json:"payment_deadline"`
}

// OrderTimeoutPayload is the payload of OrderTimeout.
type OrderTimeoutPayload struct {
	PaymentDeadline time.Time `json:"payment_deadline"`
}

// OrderPaidPayload is the payload of OrderPaid.
type OrderPaidPayload struct {
	PaymentSN string `json:"payment_sn"`
	Amount    int64  `json:"amount"`
}

// Cancel reasons carried by OrderCancelledPayload.Reason.
const (
	ReasonOutOfStock     = "OUT_OF_STOCK"
	ReasonPaymentTimeout = "PAYMENT_TIMEOUT"
)

// OrderCancelledPayload is the payload of OrderCancelled; Reason is
// ReasonOutOfStock or ReasonPaymentTimeout.
type OrderCancelledPayload struct {
	Reason string `json:"reason"`
}

// StockReservedPayload is the payload of StockReserved.
type StockReservedPayload struct {
	Lines []Line `json:"lines"`
}

// StockRejectedPayload is the payload of StockRejected: the first SKU
// that was short.
type StockRejectedPayload struct {
	SKU       string `json:"sku"`
	Requested int32  `json:"requested"`
	Available int32  `json:"available"`
}

// PaymentSucceededPayload is the payload of PaymentSucceeded.
type PaymentSucceededPayload struct {
	PaymentSN string `json:"payment_sn"`
	Amount    int64  `json:"amount"`
}

// PaymentRefundedPayload is the payload of PaymentRefunded.
type PaymentRefundedPayload struct {
	PaymentSN string `json:"payment_sn"`
	Amount    int64  `json:"amount"`
	Reason    string `json:"reason"`
}
