package shopapi

import "time"

// Order statuses.
const (
	StatusCreated         = "CREATED"
	StatusAwaitingPayment = "AWAITING_PAYMENT"
	StatusPaid            = "PAID"
	StatusCancelled       = "CANCELLED"
)

// Cancel reasons of a CANCELLED order.
const (
	CancelOutOfStock     = "OUT_OF_STOCK"
	CancelPaymentTimeout = "PAYMENT_TIMEOUT"
)

// Reservation statuses. ReservationCancelled is the tombstone left by a
// cancel that arrived before any reservation.
const (
	ReservationReserved  = "RESERVED"
	ReservationRejected  = "REJECTED"
	ReservationSold      = "SOLD"
	ReservationReleased  = "RELEASED"
	ReservationCancelled = "CANCELLED"
)

// Payment statuses.
const (
	PaymentSucceeded = "SUCCEEDED"
	PaymentRefunded  = "REFUNDED"
)

// OrderItem is one line of an order as the order service returns it.
type OrderItem struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Quantity  int64  `json:"quantity"`
	UnitPrice int64  `json:"unit_price"`
}

// Order is the order service's view of an order.
type Order struct {
	OrderSN         string      `json:"order_sn"`
	UserID          string      `json:"user_id"`
	Status          string      `json:"status"`
	CancelReason    string      `json:"cancel_reason"`
	TotalAmount     int64       `json:"total_amount"`
	Version         int64       `json:"version"`
	Items           []OrderItem `json:"items"`
	PaymentDeadline time.Time   `json:"payment_deadline"`
	CreatedAt       time.Time   `json:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at"`
}

// Terminal reports whether o is PAID or CANCELLED.
func (o *Order) Terminal() bool {
	return o.Status == StatusPaid || o.Status == StatusCancelled
}

// Line is a (sku, quantity) pair: an item of a CreateOrderRequest and a line
// of a Reservation.
type Line struct {
	SKU      string `json:"sku"`
	Quantity int64  `json:"quantity"`
}

// CreateOrderRequest is the body of POST /v1/orders.
type CreateOrderRequest struct {
	UserID string `json:"user_id"`
	Items  []Line `json:"items"`
}

// Product is a catalogue entry with its available stock.
type Product struct {
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Price     int64  `json:"price"`
	Available int64  `json:"available"`
}

// Stock is the inventory counters of one SKU; Total is everything ever
// stocked.
type Stock struct {
	SKU       string `json:"sku"`
	Total     int64  `json:"total"`
	Available int64  `json:"available"`
	Reserved  int64  `json:"reserved"`
	Sold      int64  `json:"sold"`
	Version   int64  `json:"version"`
}

// Reservation is inventory's record of one order's stock.
type Reservation struct {
	OrderSN string `json:"order_sn"`
	Status  string `json:"status"`
	Version int64  `json:"version"`
	Lines   []Line `json:"lines"`
}

// Payment is one payment attempt that succeeded (and may have been refunded).
type Payment struct {
	PaymentSN string    `json:"payment_sn"`
	OrderSN   string    `json:"order_sn"`
	Amount    int64     `json:"amount"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CreatePaymentRequest is the body of POST /v1/payments.
type CreatePaymentRequest struct {
	OrderSN string `json:"order_sn"`
	Amount  int64  `json:"amount"`
}

// PageRequest selects one page of a list endpoint; zero values mean the
// server's defaults and the first page.
type PageRequest struct {
	PageSize  int
	PageToken string
}
