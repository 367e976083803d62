package biz

import (
	"errors"
	"io"
	"time"

	"github.com/go-kratos/kratos/v2/log"
)

// Fault points: when Options.Fault is set, the use case calls it with these
// names at the matching moments of CreateOrder (tests kill the process there).
const (
	// FaultBeforeLocalCommit is reached inside the local transaction, after
	// the order is inserted and before it commits.
	FaultBeforeLocalCommit = "order.before_local_commit"
	// FaultAfterLocalCommit is reached after the local transaction
	// committed and before the transaction message is committed.
	FaultAfterLocalCommit = "order.after_local_commit"
)

// Options wires an OrderUsecase. Every port is required.
type Options struct {
	Orders    OrderRepo
	Tx        Transaction
	Dedup     Deduper
	Events    EventPublisher
	Created   CreatedPublisher
	Timeouts  TimeoutScheduler
	Catalogue Catalogue
	// PaymentTimeout is how long an order may wait for payment; default 30m.
	PaymentTimeout time.Duration
	// RetryAttempts bounds the optimistic-lock retries of one change; default 10.
	RetryAttempts int
	// Now is the clock; default time.Now.
	Now func() time.Time
	// NewSN makes order_sns; default NewSN.
	NewSN func(time.Time) (string, error)
	// Fault, when set, is called at the fault points; default none.
	Fault func(point string)
	// Logger defaults to none.
	Logger log.Logger
}

// OrderUsecase is the order service's domain logic. It is safe for
// concurrent use.
type OrderUsecase struct {
	o   Options
	log *log.Helper
}

// NewOrderUsecase validates o, applies its defaults and returns the use case.
func NewOrderUsecase(o Options) (*OrderUsecase, error) {
	if o.Orders == nil || o.Tx == nil || o.Dedup == nil || o.Events == nil ||
		o.Created == nil || o.Timeouts == nil || o.Catalogue == nil {
		return nil, errors.New("biz: order use case: a port is missing")
	}
	if o.PaymentTimeout <= 0 {
		o.PaymentTimeout = 30 * time.Minute
	}
	if o.RetryAttempts <= 0 {
		o.RetryAttempts = 10
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NewSN == nil {
		o.NewSN = NewSN
	}
	if o.Fault == nil {
		o.Fault = func(string) {}
	}
	if o.Logger == nil {
		o.Logger = log.NewStdLogger(io.Discard)
	}
	return &OrderUsecase{o: o, log: log.NewHelper(log.With(o.Logger, "module", "order/biz"))}, nil
}

// now returns the clock's time in UTC at the databases' microsecond precision.
func (uc *OrderUsecase) now() time.Time {
	return uc.o.Now().UTC().Truncate(time.Microsecond)
}
