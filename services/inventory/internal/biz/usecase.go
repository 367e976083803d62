package biz

import (
	"errors"
	"time"

	"github.com/go-kratos/kratos/v2/log"
)

// Defaults of Options.
const (
	DefaultRetryAttempts = 20
	MaxRestockQuantity   = 1_000_000
)

// Options holds the ports and settings of a Usecase. Every port is
// required except Cache (nil: GetStock always reads the database).
type Options struct {
	Tx           Transaction
	Products     ProductRepo
	Stocks       StockRepo
	Cache        StockCache
	Reservations ReservationRepo
	Dedup        Deduper
	Events       EventPublisher
	// RetryAttempts bounds the reruns of a transaction that lost an
	// optimistic lock; 0 means DefaultRetryAttempts.
	RetryAttempts int
	// Now is the clock of event timestamps; nil means time.Now.
	Now func() time.Time
	// Logger; nil means none.
	Logger log.Logger
}

// Usecase is the inventory's application logic: catalogue and stock
// queries, restocking, and the saga's reservation handling. It is safe for
// concurrent use.
type Usecase struct {
	tx           Transaction
	products     ProductRepo
	stocks       StockRepo
	cache        StockCache
	reservations ReservationRepo
	dedup        Deduper
	events       EventPublisher
	attempts     int
	now          func() time.Time
	log          *log.Helper
}

// NewUsecase checks o and builds a Usecase.
func NewUsecase(o Options) (*Usecase, error) {
	if o.Tx == nil || o.Products == nil || o.Stocks == nil || o.Reservations == nil || o.Dedup == nil || o.Events == nil {
		return nil, errors.New("biz: NewUsecase: a required port is nil")
	}
	if o.RetryAttempts <= 0 {
		o.RetryAttempts = DefaultRetryAttempts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = log.NewFilter(log.DefaultLogger, log.FilterLevel(log.LevelFatal))
	}
	return &Usecase{
		tx: o.Tx, products: o.Products, stocks: o.Stocks, cache: o.Cache,
		reservations: o.Reservations, dedup: o.Dedup, events: o.Events,
		attempts: o.RetryAttempts, now: o.Now,
		log: log.NewHelper(log.With(o.Logger, "module", "inventory/biz")),
	}, nil
}
