package load

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// stats is one buyer's tally, merged into the Result when the run ends.
type stats struct {
	attempted, created, awaiting, rejected, paid, abandoned, failed int
	polls                                                           int // blocking GETs of an order
	soldOut                                                         bool
	errors                                                          map[string]int
	createLat, payLat                                               []time.Duration
}

func (s *stats) count(kind string) {
	if s.errors == nil {
		s.errors = map[string]int{}
	}
	s.errors[kind]++
}

// fail ends a created order's flow with an error.
func (s *stats) fail(kind string) { s.failed++; s.count(kind) }

// buyer is one simulated customer; it owns its stats and rng.
type buyer struct {
	id   int
	o    *Options
	c    *shopapi.Client
	cat  *catalog
	pace *pacer
	st   *stats
	rng  *rand.Rand
}

func (b *buyer) run(ctx context.Context) {
	for b.pace.admit(ctx) {
		skus := b.cat.inStock(ctx)
		if len(skus) == 0 {
			b.st.soldOut = true
			return
		}
		b.order(ctx, pick(b.rng, skus))
	}
}

// order places one order and follows it to its end.
func (b *buyer) order(ctx context.Context, lines []shopapi.Line) {
	b.st.attempted++
	t0 := time.Now()
	o, err := b.c.CreateOrder(ctx, shopapi.CreateOrderRequest{UserID: fmt.Sprintf("load-buyer-%d", b.id), Items: lines})
	if err != nil {
		b.st.count(kind("create", err))
		sleep(ctx, errorPause) // a failing shop is not asked again in a tight loop
		return
	}
	b.st.created++
	sn := o.OrderSN
	o, err = b.await(ctx, sn, o.Version, shopapi.StatusAwaitingPayment)
	switch {
	case err != nil:
		b.st.fail(kind("await", err))
		return
	case o.Status == shopapi.StatusCancelled && o.CancelReason == shopapi.CancelOutOfStock:
		b.st.rejected++
		return
	case o.Status == shopapi.StatusCancelled:
		b.st.fail("await: cancelled " + o.CancelReason)
		return
	}
	b.st.awaiting++
	b.st.createLat = append(b.st.createLat, time.Since(t0))
	if b.rng.Float64() >= b.o.PayShare {
		b.st.abandoned++
		return
	}
	t1 := time.Now()
	if _, err := b.c.CreatePayment(ctx, shopapi.CreatePaymentRequest{OrderSN: sn, Amount: o.TotalAmount}); err != nil {
		b.st.fail(kind("pay", err))
		sleep(ctx, errorPause)
		return
	}
	switch o, err = b.await(ctx, sn, o.Version, shopapi.StatusPaid); {
	case err != nil:
		b.st.fail(kind("paid", err))
	case o.Status != shopapi.StatusPaid:
		b.st.fail("paid: " + o.Status + " " + o.CancelReason)
	default:
		b.st.paid++
		b.st.payLat = append(b.st.payLat, time.Since(t1))
	}
}

// errWaitTimeout ends a wait that lasted WaitTimeout.
var errWaitTimeout = errors.New("load: wait timed out")

// errorPause is how long a buyer pauses after a failed request before its
// next one (the next GET of a wait, or its next order after a failed POST),
// so that a failing service is not asked in a tight loop.
const errorPause = 50 * time.Millisecond

// await follows the order from version seen until it is in status want or
// CANCELLED, with blocking GETs that each wait up to Wait for a version
// above the last one seen. GET failures are counted ("poll: ...") and the
// wait goes on after errorPause.
func (b *buyer) await(ctx context.Context, sn string, seen int64, want string) (*shopapi.Order, error) {
	deadline := time.Now().Add(b.o.WaitTimeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return nil, errWaitTimeout
		}
		b.st.polls++
		o, err := b.c.WaitOrder(ctx, sn, seen+1, min(b.o.Wait, left))
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			b.st.count(kind("poll", err))
			if !sleep(ctx, min(errorPause, left)) {
				return nil, ctx.Err()
			}
		case o.Status == want || o.Status == shopapi.StatusCancelled:
			return o, nil
		default:
			seen = max(seen, o.Version)
		}
	}
}

// sleep pauses for d; false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// kind names an error for the Result's error table: the stage and the HTTP
// status and reason, or timeout, interrupted or transport.
func kind(stage string, err error) string {
	var e *shopapi.Error
	var ne net.Error
	switch {
	case errors.As(err, &e) && e.Reason != "":
		return fmt.Sprintf("%s: %d %s", stage, e.Status, e.Reason)
	case errors.As(err, &e):
		return fmt.Sprintf("%s: HTTP %d", stage, e.Status)
	case errors.Is(err, errWaitTimeout), errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return stage + ": timeout"
	case errors.Is(err, context.Canceled):
		return stage + ": interrupted"
	default:
		return stage + ": transport"
	}
}
