//go:build e2e

package e2e

import (
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// Fault points of the order service (SAGASHOP_FAULT, see
// services/order/cmd/order): the process SIGKILLs itself inside
// CreateOrder's local transaction, after the half message is stored.
const (
	faultBeforeCommit = "order.before_local_commit"
	faultAfterCommit  = "order.after_local_commit"
)

// testCrashBeforeLocalCommit: the order container dies after the half
// message is stored and before its local transaction commits. The half
// message waits while no order container runs; once a new one (same
// alias, no fault) is up, the check-back finds no order row and rolls it
// back: no order, nothing reserved, no order:created delivered.
func testCrashBeforeLocalCommit(t *testing.T, s *stack) {
	p := s.product(t, 0, 2)
	before := shopsteps.GetStock(t, s.api, p.SKU)
	half := crashOrder(t, s, faultBeforeCommit, p.SKU)

	s.waitResolved(t, half)
	if _, err := s.api.GetOrder(shopsteps.ReqCtx(t), half.sn); shopapi.StatusOf(err) != 404 {
		t.Errorf("GET order %s after the rollback: %v, want 404", half.sn, err)
	}
	if evs := s.delivered(t, event.OrderCreated, half.sn); len(evs) != 0 {
		t.Errorf("%d order:created messages of the rolled-back order %s delivered, want none", len(evs), half.sn)
	}
	if r := shopsteps.ReservationOf(t, s.api, half.sn); r != nil {
		t.Errorf("reservation of the rolled-back order: %+v, want none", r)
	}
	if after := shopsteps.GetStock(t, s.api, p.SKU); after != before {
		t.Errorf("stock %s changed: before %+v, after %+v", p.SKU, before, after)
	}
	s.verify(t)
}

// testCrashAfterLocalCommit: the order container dies after the local
// transaction committed and before END_TRANSACTION. Once a new one is up,
// the check-back finds the order row and commits: order:created is
// delivered once and the saga runs to its end. By then the order's
// payment deadline (a few seconds) has passed, so the end is
// CANCELLED(PAYMENT_TIMEOUT) with its stock released.
func testCrashAfterLocalCommit(t *testing.T, s *stack) {
	p := s.product(t, 0, 2)
	before := shopsteps.GetStock(t, s.api, p.SKU)
	half := crashOrder(t, s, faultAfterCommit, p.SKU)

	o := shopsteps.GetOrder(t, s.api, half.sn)
	if o.Status != shopapi.StatusCreated && o.Status != shopapi.StatusAwaitingPayment && o.Status != shopapi.StatusCancelled {
		t.Fatalf("order %s after the restart: %s, want it committed before the crash", o.OrderSN, o.Status)
	}
	s.waitResolved(t, half)
	shopsteps.Eventually(t, waitLong, "order:created of "+half.sn+" in its topic", func() (bool, string) {
		n := len(s.delivered(t, event.OrderCreated, half.sn))
		return n > 0, "not delivered"
	})
	if evs := s.delivered(t, event.OrderCreated, half.sn); len(evs) != 1 {
		t.Errorf("%d order:created messages of %s delivered, want 1", len(evs), half.sn)
	}
	o = shopsteps.WaitStatus(t, s.api, waitLong, half.sn, shopapi.StatusCancelled, shopapi.StatusPaid)
	if o.Status != shopapi.StatusCancelled || o.CancelReason != shopapi.CancelPaymentTimeout {
		t.Errorf("order %s: %s %q, want CANCELLED PAYMENT_TIMEOUT (nobody paid)", o.OrderSN, o.Status, o.CancelReason)
	}
	// Inventory saw order:created (a reservation, released) or the
	// cancel first (its tombstone, and order:created ignored).
	shopsteps.Eventually(t, waitLong, "the reservation of "+half.sn+" to be released", func() (bool, string) {
		r := shopsteps.ReservationOf(t, s.api, half.sn)
		if r == nil {
			return false, "no reservation"
		}
		return r.Status == shopapi.ReservationReleased || r.Status == shopapi.ReservationCancelled, "reservation " + r.Status
	})
	shopsteps.EventuallyStock(t, s.api, waitLong, p.SKU, before.Available, before.Reserved, before.Sold)
	s.verify(t)
}

// crashOrder replaces the order container with one that has the fault
// point armed, places an order for one unit of sku (the request fails:
// the process kills itself), checks that the half message stays
// unresolved while no order container runs, and starts a new order
// container without the fault under the same alias.
func crashOrder(t *testing.T, s *stack, fault, sku string) halfMessage {
	t.Helper()
	known := len(s.halves(t))
	s.replaceService(t, "order", map[string]string{"SAGASHOP_FAULT": fault}, withInit())
	_, err := s.api.CreateOrder(shopsteps.ReqCtx(t), shopapi.CreateOrderRequest{UserID: "grace", Items: []shopapi.Line{{SKU: sku, Quantity: 1}}})
	if err == nil || shopapi.StatusOf(err) != 0 {
		t.Fatalf("create order with %s armed: %v, want the connection to drop", fault, err)
	}
	if code := s.waitExited(t, "order", 30*time.Second); code != 137 {
		t.Errorf("the order container exited with %d, want 137 (SIGKILL at %s)", code, fault)
	}
	halves := s.halves(t)
	if len(halves) != known+1 {
		t.Fatalf("%d half messages of order:created after the crash, want %d", len(halves), known+1)
	}
	h := halves[known]
	time.Sleep(time.Duration(txTimeoutMillis+2*txCheckIntervalMillis) * time.Millisecond)
	if s.resolved(t)[h.offset] {
		t.Fatalf("half message of %s resolved while no order container was running", h.sn)
	}
	s.replaceService(t, "order", nil)
	return h
}

// withInit runs the container's program under Docker's init (tini). The
// fault hook SIGKILLs its own process, and a process that is PID 1 of its
// container cannot do that: the kernel drops SIGKILL sent to a namespace's
// init from inside the namespace, so the hook would hang instead of
// crashing (a bug of services/order/cmd/order, reported). Under init the
// service is PID 2 and dies as a crash would.
func withInit() testcontainers.ContainerCustomizer {
	return testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
		yes := true
		hc.Init = &yes
	})
}

// waitResolved waits for the check-back to commit or roll back h.
func (s *stack) waitResolved(t *testing.T, h halfMessage) {
	t.Helper()
	shopsteps.Eventually(t, waitLong, "the check-back of "+h.sn, func() (bool, string) {
		return s.resolved(t)[h.offset], "half message unresolved"
	})
}
