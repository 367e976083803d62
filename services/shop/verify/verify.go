// Package verify checks the invariants of the sagashop saga (DESIGN.md §
// Invariants) against a running shop, reading everything through the order,
// inventory and payment HTTP APIs.
//
// The shop is eventually consistent, so one reading can catch it between
// two steps of a saga. Run therefore reads the shop again and again: a
// violation is reported only once it has been seen in every reading for
// Settle. A consistent shop passes after one reading.
package verify

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// Options configures Run.
type Options struct {
	// OrderURL, InventoryURL and PaymentURL are the services' base URLs.
	OrderURL, InventoryURL, PaymentURL string
	// HTTP is the client for every call; nil = shopapi's default (10 s timeout).
	HTTP *http.Client
	// Settle is how long a violation must persist before it is reported,
	// e.g. how long non-terminal orders older than PaymentTimeout+Slack get
	// to become terminal. Run gives up after 2*Settle even if violations
	// keep changing. 0 = report the first reading.
	Settle time.Duration
	// PaymentTimeout is the shop's payment timeout; an order's deadline is
	// the later of created_at+PaymentTimeout and its payment_deadline.
	PaymentTimeout time.Duration
	// Slack is how long past its deadline an order may stay non-terminal,
	// and how long a SUCCEEDED payment may sit on an AWAITING_PAYMENT order.
	Slack time.Duration
	// Initial, when not nil, is each listed SKU's expected total; SKUs not
	// listed are checked against their own total only.
	Initial map[string]int64
	// Poll is the pause between readings; default 250 ms.
	Poll time.Duration
	// PageSize is the page_size of list calls; default 1000.
	PageSize int
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// readAttempts is how often one reading is tried before a read error ends Run.
const readAttempts = 3

// Run reads the shop until no violation is pending (see the package doc) and
// returns the report of the last reading. The error is for a shop that
// cannot be read (bad options, connection refused, bad replies) or a
// cancelled ctx; invariant violations are in the Report.
func Run(ctx context.Context, o Options) (*Report, error) {
	c, err := shopapi.New(shopapi.Options{OrderURL: o.OrderURL, InventoryURL: o.InventoryURL, PaymentURL: o.PaymentURL, HTTP: o.HTTP})
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	if o.Poll <= 0 {
		o.Poll = 250 * time.Millisecond
	}
	if o.PageSize <= 0 {
		o.PageSize = 1000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	start := o.Now()
	giveUp := start.Add(2 * o.Settle)
	firstSeen := map[string]time.Time{}
	for round := 1; ; round++ {
		snap, err := readRetrying(ctx, c, o)
		if err != nil {
			return nil, err
		}
		rep := check(snap, o)
		now := o.Now()
		rep.Rounds, rep.Elapsed = round, now.Sub(start)
		pending := 0
		seen := map[string]time.Time{}
		for _, ch := range rep.Checks {
			for _, v := range ch.Violations {
				k := ch.Name + "|" + v.key()
				at, ok := firstSeen[k]
				if !ok {
					at = now
				}
				seen[k] = at
				if now.Sub(at) < o.Settle {
					pending++
				}
			}
		}
		firstSeen = seen
		if pending == 0 || !now.Before(giveUp) {
			return rep, nil
		}
		if err := sleep(ctx, o.Poll); err != nil {
			return nil, err
		}
	}
}

// readRetrying reads a snapshot, retrying a failed reading a few times.
func readRetrying(ctx context.Context, c *shopapi.Client, o Options) (*snapshot, error) {
	var err error
	for i := 1; ; i++ {
		var snap *snapshot
		if snap, err = read(ctx, c, o); err == nil {
			return snap, nil
		}
		if i == readAttempts || ctx.Err() != nil || sleep(ctx, o.Poll) != nil {
			return nil, fmt.Errorf("verify: reading the shop (attempt %d of %d): %w", i, readAttempts, err)
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("verify: %w", ctx.Err())
	case <-t.C:
		return nil
	}
}
