package biz

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// MaxWait is the longest a blocking read of an order may wait
// (GetOrderRequest.wait_ms up to 30000).
const MaxWait = 30 * time.Second

// WaiterOptions configures NewWaiter.
type WaiterOptions struct {
	// Orders reads the order; required.
	Orders OrderRepo
	// Changes wakes a waiter when this process commits a change of its
	// order; required.
	Changes ChangeFeed
	// Recheck is how often a waiter reads the order without a signal, to
	// see changes that another replica of the service committed; default
	// 250 ms.
	Recheck time.Duration
	// Reserve is how long before its context's deadline (the server's
	// request timeout, a gRPC caller's deadline) a wait ends, so that the
	// last read and the reply still fit; default 250 ms.
	Reserve time.Duration
}

// Waiter serves blocking reads of orders, the long poll of GET
// /v1/orders/{order_sn}?min_version=N&wait_ms=M. It is safe for
// concurrent use.
type Waiter struct {
	o        WaiterOptions
	stopping chan struct{} // closed by Stop
	stopOnce sync.Once
}

// NewWaiter validates o, applies its defaults and returns the Waiter.
func NewWaiter(o WaiterOptions) (*Waiter, error) {
	if o.Orders == nil || o.Changes == nil {
		return nil, errors.New("biz: waiter: Orders and Changes are required")
	}
	if o.Recheck <= 0 {
		o.Recheck = 250 * time.Millisecond
	}
	if o.Reserve <= 0 {
		o.Reserve = 250 * time.Millisecond
	}
	return &Waiter{o: o, stopping: make(chan struct{})}, nil
}

// Stop ends the waits in progress, which answer with the order as it is,
// and makes later reads answer at once. The service calls it when it
// begins to stop: the servers' graceful shutdown waits for requests in
// flight but does not cancel their contexts. More calls do nothing.
func (w *Waiter) Stop() {
	w.stopOnce.Do(func() { close(w.stopping) })
}

// WaitOrder returns the order sn as soon as its version is at least
// minVersion, or, when wait (at most MaxWait) passes first, the order as it
// is then; the caller compares the version. With minVersion or wait at 0 it
// is a plain read. An unknown order is ORDER_NOT_FOUND at once. The wait
// also ends Reserve before ctx's deadline or at Stop, with the order as it
// is then; when ctx is cancelled it ends with an error matching ctx.Err().
func (w *Waiter) WaitOrder(ctx context.Context, sn string, minVersion int64, wait time.Duration) (*Order, error) {
	if minVersion <= 0 || wait <= 0 {
		return w.o.Orders.Get(ctx, sn)
	}
	// Subscribe before the first read: a change that commits between the
	// read and the wait still leaves its signal in changed.
	changed, stop := w.o.Changes.Subscribe(sn)
	defer stop()
	o, err := w.o.Orders.Get(ctx, sn)
	if err != nil || o.Version >= minVersion {
		return o, err
	}
	wait = min(wait, MaxWait)
	if dl, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(dl)-w.o.Reserve)
	}
	select {
	case <-w.stopping:
		return o, nil
	default:
	}
	if wait <= 0 {
		return o, nil
	}
	timeout := time.NewTimer(wait)
	defer timeout.Stop()
	recheck := time.NewTicker(w.o.Recheck)
	defer recheck.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("biz: waiting for order %s version %d: %w", sn, minVersion, ctx.Err())
		case <-timeout.C:
			return w.o.Orders.Get(ctx, sn)
		case <-w.stopping:
			return w.o.Orders.Get(ctx, sn)
		case <-changed:
		case <-recheck.C:
		}
		if o, err = w.o.Orders.Get(ctx, sn); err != nil || o.Version >= minVersion {
			return o, err
		}
	}
}
