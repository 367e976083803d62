package saga

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/route"
	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// Fault points of the order service (SAGASHOP_FAULT): the process SIGKILLs
// itself inside CreateOrder's local transaction.
const (
	faultBeforeCommit = "order.before_local_commit"
	faultAfterCommit  = "order.after_local_commit"
)

// testCrashBeforeLocalCommit: the order process dies after the half
// message is stored and before its local transaction commits. The half
// message waits while no producer of the group lives; once order is back,
// the check-back finds no order row and rolls it back: no order, nothing
// reserved, no order:created delivered.
func testCrashBeforeLocalCommit(t *testing.T, fl flavor) {
	s := startShop(t, fl, shopOptions{})
	p := s.product(t, 0, 2)
	before := shopsteps.GetStock(t, s.api, p.SKU)
	half := crashOrder(t, s, faultBeforeCommit, p.SKU)

	s.waitResolved(t, half)
	if _, err := s.api.GetOrder(shopsteps.ReqCtx(t), half.sn); shopapi.StatusOf(err) != 404 {
		t.Errorf("GET order %s after the rollback: %v, want 404", half.sn, err)
	}
	orders, err := s.api.AllOrders(shopsteps.ReqCtx(t), "", 0)
	if err != nil || len(orders) != 0 {
		t.Errorf("orders after the rollback: %d (%v), want none", len(orders), err)
	}
	s.waitQuiet(t)
	if evs := s.eventsOf(t, half.sn); len(evs) != 0 {
		t.Errorf("messages delivered for the rolled-back order %s:%s", half.sn, describe(evs))
	}
	if r := shopsteps.ReservationOf(t, s.api, half.sn); r != nil {
		t.Errorf("reservation of the rolled-back order: %+v, want none", r)
	}
	if after := shopsteps.GetStock(t, s.api, p.SKU); after != before {
		t.Errorf("stock %s changed: before %+v, after %+v", p.SKU, before, after)
	}
	s.verify(t)
}

// testCrashAfterLocalCommit: the order process dies after the local
// transaction committed and before END_TRANSACTION. Once order is back, the
// check-back finds the order row and commits: the saga goes on to
// AWAITING_PAYMENT and, paid, to PAID.
func testCrashAfterLocalCommit(t *testing.T, fl flavor) {
	s := startShop(t, fl, shopOptions{timeout: 20 * time.Second})
	p := s.product(t, 0, 2)
	before := shopsteps.GetStock(t, s.api, p.SKU)
	half := crashOrder(t, s, faultAfterCommit, p.SKU)

	o := shopsteps.GetOrder(t, s.api, half.sn)
	if o.Status != shopapi.StatusCreated && o.Status != shopapi.StatusAwaitingPayment {
		t.Fatalf("order %s after the restart: %s, want CREATED (committed before the crash)", o.OrderSN, o.Status)
	}
	s.waitResolved(t, half)
	o = shopsteps.WaitStatus(t, s.api, waitLong, half.sn, shopapi.StatusAwaitingPayment, shopapi.StatusCancelled, shopapi.StatusPaid)
	if o.Status != shopapi.StatusAwaitingPayment {
		t.Fatalf("order %s: %s %q, want AWAITING_PAYMENT after the check-back committed", o.OrderSN, o.Status, o.CancelReason)
	}
	if n := countTypes(s.eventsOf(t, half.sn))[event.OrderCreated]; n != 1 {
		t.Errorf("%d order:created messages delivered for %s, want 1", n, half.sn)
	}
	shopsteps.EventuallyStock(t, s.api, waitLong, p.SKU, before.Available-1, before.Reserved+1, before.Sold)
	shopsteps.Pay(t, s.api, o)
	shopsteps.WaitStatus(t, s.api, waitLong, half.sn, shopapi.StatusPaid)
	shopsteps.EventuallyStock(t, s.api, waitLong, p.SKU, before.Available-1, before.Reserved, before.Sold+1)
	s.verify(t)
}

// halfMessage is a transaction half message found in the broker.
type halfMessage struct {
	offset int64 // in RMQ_SYS_TRANS_HALF_TOPIC queue 0
	sn     string
}

// crashOrder restarts order with the fault point armed, places an order
// for one unit of sku (the request fails: the process kills itself),
// checks that the half message stays unresolved while no order process
// lives, and starts order again without the fault.
func crashOrder(t *testing.T, s *shop, fault, sku string) halfMessage {
	t.Helper()
	known := len(s.halves(t))
	s.restart("order", "SAGASHOP_FAULT="+fault)
	s.markDown("order")
	_, err := s.api.CreateOrder(shopsteps.ReqCtx(t), shopapi.CreateOrderRequest{UserID: "grace", Items: []shopapi.Line{{SKU: sku, Quantity: 1}}})
	if err == nil || shopapi.StatusOf(err) != 0 {
		t.Fatalf("create order with %s armed: %v, want the connection to drop", fault, err)
	}
	if !s.procs["order"].wait(20 * time.Second) {
		t.Fatalf("the order process did not die at %s", fault)
	}
	halves := s.halves(t)
	if len(halves) != known+1 {
		t.Fatalf("%d half messages after the crash, want %d", len(halves), known+1)
	}
	h := halves[known]
	time.Sleep(time.Duration(txTimeoutMillis+2*txCheckIntervalMillis) * time.Millisecond)
	if s.resolved(t)[h.offset] {
		t.Fatalf("half message of %s resolved while no order process was alive", h.sn)
	}
	if err := s.startService("order"); err != nil {
		t.Fatal(err)
	}
	return h
}

// waitResolved waits for the check-back to commit or roll back h.
func (s *shop) waitResolved(t *testing.T, h halfMessage) {
	t.Helper()
	shopsteps.Eventually(t, waitLong, "the check-back of "+h.sn, func() (bool, string) {
		return s.resolved(t)[h.offset], "half message unresolved"
	})
}

// halves lists the half messages of order:created events the broker
// holds, oldest first. Others (the order service's start-up warm-up
// message, tag "warmup") are left out.
func (s *shop) halves(t *testing.T) []halfMessage {
	t.Helper()
	var out []halfMessage
	for _, m := range s.pullAll(t, route.TransHalfTopic) {
		if m.Property(message.PropTags) != event.OrderCreated.Tag() {
			continue
		}
		body, err := m.InflatedBody()
		if err != nil {
			t.Fatal(err)
		}
		env, err := event.Decode(body)
		if err != nil {
			t.Fatalf("half message at %d: %v", m.QueueOffset, err)
		}
		out = append(out, halfMessage{offset: m.QueueOffset, sn: env.OrderSN})
	}
	return out
}

// resolved returns the half offsets that have an op (commit or rollback).
func (s *shop) resolved(t *testing.T) map[int64]bool {
	t.Helper()
	out := map[int64]bool{}
	for _, m := range s.pullAll(t, route.TransOpHalfTopic) {
		if off, err := strconv.ParseInt(string(m.Body), 10, 64); err == nil {
			out[off] = true
		}
	}
	return out
}

// pullAll reads queue 0 of a broker system topic from its start.
func (s *shop) pullAll(t *testing.T, topic string) []admin.Message {
	t.Helper()
	var out []admin.Message
	for off := int64(0); ; {
		c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		res, err := s.admin.Pull(c, s.cluster.BrokerAddr, admin.PullRequest{Group: admin.ToolsConsumerGroup, Topic: topic, Offset: off})
		cancel()
		if err != nil {
			t.Fatalf("pull %s at %d: %v", topic, off, err)
		}
		if len(res.Messages) == 0 {
			return out
		}
		out = append(out, res.Messages...)
		off = res.NextBeginOffset
	}
}
