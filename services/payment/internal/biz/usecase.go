package biz

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-kratos/kratos/v2/log"

	"github.com/sagashop/sagashop/pkg/idem"
	v1 "github.com/sagashop/sagashop/services/payment/api/payment/v1"
)

// Options configures a PaymentUsecase.
type Options struct {
	// Attempts bounds the runs of a transaction that lost a lock race;
	// default 10.
	Attempts int
	// Now is the clock; default time.Now.
	Now func() time.Time
	// NewSN mints payment numbers; default NewPaymentSN.
	NewSN func(now time.Time) (string, error)
	// Logger defaults to a no-op logger.
	Logger log.Logger
}

// PaymentUsecase records payments and reacts to order cancellations. It is
// safe for concurrent use.
type PaymentUsecase struct {
	repo     PaymentRepo
	orders   Orders
	tx       Transaction
	pub      EventPublisher
	dedup    Deduper
	attempts int
	now      func() time.Time
	newSN    func(time.Time) (string, error)
	log      *log.Helper
}

// NewPaymentUsecase returns a PaymentUsecase over the given ports.
func NewPaymentUsecase(repo PaymentRepo, orders Orders, tx Transaction, pub EventPublisher, dedup Deduper, o Options) *PaymentUsecase {
	uc := &PaymentUsecase{
		repo: repo, orders: orders, tx: tx, pub: pub, dedup: dedup,
		attempts: o.Attempts, now: o.Now, newSN: o.NewSN,
	}
	if uc.attempts <= 0 {
		uc.attempts = 10
	}
	if uc.now == nil {
		uc.now = time.Now
	}
	if uc.newSN == nil {
		uc.newSN = NewPaymentSN
	}
	logger := o.Logger
	if logger == nil {
		logger = log.NewStdLogger(discard{})
	}
	uc.log = log.NewHelper(log.With(logger, "module", "payment/biz"))
	return uc
}

// List returns a page of payments ordered by id.
func (uc *PaymentUsecase) List(ctx context.Context, q ListQuery) ([]*Payment, error) {
	ps, err := uc.repo.List(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("biz: list payments: %w", err)
	}
	return ps, nil
}

// retryTx runs fn in a transaction, again while it loses lock races, and
// turns a race lost too often into a CONFLICT error.
func (uc *PaymentUsecase) retryTx(ctx context.Context, fn func(ctx context.Context) error) error {
	err := idem.Retry(ctx, uc.attempts, func(ctx context.Context) error {
		return uc.tx.InTx(ctx, fn)
	})
	if err != nil && errors.Is(err, idem.ErrConflict) {
		return v1.ErrorConflict("lost a concurrent update %d times: %v", uc.attempts, err)
	}
	return err
}

// discard is the default logger's sink.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
