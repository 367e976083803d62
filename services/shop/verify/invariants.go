package verify

// The invariants, in report order. Names are stable: tests and scripts may
// look checks up by them (Report.Check).
const (
	StockBalance      = "stock-balance"
	StockInitial      = "stock-initial"
	StockNonNegative  = "stock-non-negative"
	StockReserved     = "stock-reserved"
	StockSold         = "stock-sold"
	ReservationLines  = "reservation-lines"
	ReservationOrphan = "reservation-orphan"
	OrderFields       = "order-fields"
	OrderCreated      = "order-created"
	OrderAwaiting     = "order-awaiting"
	OrderPaid         = "order-paid"
	OrderCancelled    = "order-cancelled"
	CancelledRefunded = "cancelled-refunded"
	OutOfStock        = "out-of-stock"
	SinglePayment     = "single-payment"
	OrderStuck        = "order-stuck"
	PaymentOrphan     = "payment-orphan"
)

// invariants lists every check with its description.
var invariants = []struct{ name, desc string }{
	{StockBalance, "per SKU: total = available + reserved + sold"},
	{StockInitial, "per SKU: total = the given initial stock"},
	{StockNonNegative, "per SKU: available, reserved, sold >= 0 (no oversell)"},
	{StockReserved, "per SKU: reserved = sum of RESERVED reservation lines"},
	{StockSold, "per SKU: sold = sum of SOLD reservation lines"},
	{ReservationLines, "a RESERVED or SOLD reservation's lines = its order's items"},
	{ReservationOrphan, "no RESERVED or SOLD reservation without its order"},
	{OrderFields, "known status; cancel_reason set iff CANCELLED; total_amount = sum of items"},
	{OrderCreated, "CREATED: reservation absent, RESERVED or REJECTED; no payment"},
	{OrderAwaiting, "AWAITING_PAYMENT <-> reservation RESERVED; no payment unless in flight"},
	{OrderPaid, "PAID <-> reservation SOLD and exactly one payment, SUCCEEDED, of total_amount"},
	{OrderCancelled, "CANCELLED: reservation RELEASED, REJECTED, CANCELLED or absent"},
	{CancelledRefunded, "every payment on a CANCELLED order is REFUNDED"},
	{OutOfStock, "cancel_reason OUT_OF_STOCK <-> reservation REJECTED"},
	{SinglePayment, "at most one SUCCEEDED payment per order"},
	{OrderStuck, "every non-terminal order is younger than its deadline + slack"},
	{PaymentOrphan, "no payment without its order"},
}
