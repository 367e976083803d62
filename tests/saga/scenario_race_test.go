package saga

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// testPaymentRacesTimeout pays orders just before, just after and exactly
// at their deadline, some with several concurrent attempts, and some while
// the order process is frozen across the deadline (so the timeout and the
// payment:succeeded event wait for it together). Each order must end
// either PAID with exactly one SUCCEEDED payment and no refund, or
// CANCELLED(PAYMENT_TIMEOUT) with every payment REFUNDED; never both.
func testPaymentRacesTimeout(t *testing.T, fl flavor) {
	s := startShop(t, fl, shopOptions{})
	var races []*shopsteps.RaceOrder
	for i, off := range []time.Duration{-400, -200, -100, -50, 0, 0, 0, 50, 100, 200, 300} {
		payers := 1
		if off == 0 {
			payers = 3
		}
		races = append(races, &shopsteps.RaceOrder{Name: fmt.Sprintf("#%d at deadline%+dms x%d", i, off, payers), Offset: off * time.Millisecond, Payers: payers})
	}
	runRaces(t, s, races, false)
	var frozen []*shopsteps.RaceOrder
	for i, off := range []time.Duration{-300, -200, -100} {
		frozen = append(frozen, &shopsteps.RaceOrder{Name: fmt.Sprintf("frozen #%d at deadline%+dms", i, off), Offset: off * time.Millisecond, Payers: 1})
	}
	runRaces(t, s, frozen, true)
	s.waitQuiet(t)
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
// its time. With freeze, the order process is stopped (SIGSTOP) right
// after the payments and continued 1.5s after the last deadline.
func runRaces(t *testing.T, s *shop, races []*shopsteps.RaceOrder, freeze bool) {
	shopsteps.PlaceAndPay(t, s.api, waitLong, races, func(i int) shopapi.Product { return s.product(t, i, 2) })
	if !freeze {
		return
	}
	if err := s.procs["order"].signal(syscall.SIGSTOP); err != nil {
		t.Fatalf("SIGSTOP order: %v", err)
	}
	time.Sleep(time.Until(shopsteps.LastDeadline(races).Add(1500 * time.Millisecond)))
	if err := s.procs["order"].signal(syscall.SIGCONT); err != nil {
		t.Fatalf("SIGCONT order: %v", err)
	}
}
