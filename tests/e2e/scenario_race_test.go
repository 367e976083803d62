//go:build e2e

package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// testPaymentRacesTimeout pays orders just before, just after and exactly
// at their deadline, some with several concurrent attempts, and some while
// the order container is paused across the deadline (so the timeout and
// payment:succeeded wait for it together). Each order must end either PAID
// with exactly one SUCCEEDED payment and no refund, or
// CANCELLED(PAYMENT_TIMEOUT) with every payment REFUNDED; never both.
func testPaymentRacesTimeout(t *testing.T, s *stack) {
	var races []*shopsteps.RaceOrder
	for i, off := range []time.Duration{-400, -200, -100, -50, 0, 0, 50, 100, 300} {
		payers := 1
		if off == 0 {
			payers = 3
		}
		races = append(races, &shopsteps.RaceOrder{Name: fmt.Sprintf("#%d at deadline%+dms x%d", i, off, payers), Offset: off * time.Millisecond, Payers: payers})
	}
	runRaces(t, s, races, false)
	var frozen []*shopsteps.RaceOrder
	for i, off := range []time.Duration{-300, -100} {
		frozen = append(frozen, &shopsteps.RaceOrder{Name: fmt.Sprintf("paused #%d at deadline%+dms", i, off), Offset: off * time.Millisecond, Payers: 1})
	}
	runRaces(t, s, frozen, true)
	tally := map[string]int{}
	for _, r := range append(races, frozen...) {
		outcome := shopsteps.CheckRace(t, s.api, waitLong, r)
		tally[outcome]++
		t.Logf("%s: %s (200: %d, 409: %v)", r.Name, outcome, len(r.Paid), r.Refused)
	}
	t.Logf("outcomes: %v", tally)
	s.verify(t)
}

// runRaces places the orders, waits for AWAITING_PAYMENT and pays each at
// its time. With pause, the order container is paused right after the
// payments and unpaused 1.5s after the last deadline.
func runRaces(t *testing.T, s *stack, races []*shopsteps.RaceOrder, pause bool) {
	shopsteps.PlaceAndPay(t, s.api, waitLong, races, func(i int) shopapi.Product { return s.product(t, i, 2) })
	if !pause {
		return
	}
	s.pause(t, "order")
	time.Sleep(time.Until(shopsteps.LastDeadline(races).Add(1500 * time.Millisecond)))
	s.unpause(t, "order")
}
