package biz

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
)

func TestNewWaiterRequiresPorts(t *testing.T) {
	if _, err := NewWaiter(WaiterOptions{Orders: newMemStore()}); err == nil {
		t.Fatal("NewWaiter without Changes succeeded")
	}
}

func TestWaitOrder(t *testing.T) {
	const never = time.Hour // a recheck interval that no case reaches
	// change moves SN1 from version v to v+1; with notify it signals the
	// notifier like the repository does after the commit, without it the
	// change is one made by another replica.
	change := func(notify bool) func(t *testing.T, s *memStore, n *Notifier) {
		return func(t *testing.T, s *memStore, n *Notifier) {
			o, err := s.Get(context.Background(), "SN1")
			if err == nil {
				err = s.Update(context.Background(), "SN1", o.Version, State{Status: StatusAwaitingPayment})
			}
			if err != nil {
				t.Error(err)
				return
			}
			if notify {
				n.Notify("SN1")
			}
		}
	}
	tests := []struct {
		name       string
		sn         string
		minVersion int64
		wait       time.Duration
		recheck    time.Duration
		// ctxTimeout, when set, is the deadline of the call's context;
		// cancelAfter cancels it after that long.
		ctxTimeout, cancelAfter time.Duration
		// change runs 20 ms into the wait, on another goroutine.
		change                 func(t *testing.T, s *memStore, n *Notifier)
		wantVersion            int64
		wantErr                func(error) bool
		minElapsed, maxElapsed time.Duration
	}{
		{name: "version already reached", sn: "SN1", minVersion: 1, wait: 10 * time.Second, recheck: never,
			wantVersion: 1, maxElapsed: time.Second},
		{name: "no min_version is a plain read", sn: "SN1", wait: 10 * time.Second, recheck: never,
			wantVersion: 1, maxElapsed: time.Second},
		{name: "no wait is a plain read", sn: "SN1", minVersion: 2, recheck: never,
			wantVersion: 1, maxElapsed: time.Second},
		{name: "unknown order at once", sn: "NOPE", minVersion: 2, wait: 10 * time.Second, recheck: never,
			wantErr: v1.IsOrderNotFound, maxElapsed: time.Second},
		{name: "signalled change", sn: "SN1", minVersion: 2, wait: 10 * time.Second, recheck: never,
			change: change(true), wantVersion: 2, minElapsed: 20 * time.Millisecond, maxElapsed: 2 * time.Second},
		{name: "change of another replica by recheck", sn: "SN1", minVersion: 2, wait: 10 * time.Second,
			recheck: 20 * time.Millisecond, change: change(false), wantVersion: 2,
			minElapsed: 20 * time.Millisecond, maxElapsed: 2 * time.Second},
		{name: "timeout returns the order as it is", sn: "SN1", minVersion: 5, wait: 100 * time.Millisecond,
			recheck: never, change: change(true), wantVersion: 2, minElapsed: 100 * time.Millisecond, maxElapsed: 2 * time.Second},
		{name: "cancelled context ends the wait", sn: "SN1", minVersion: 2, wait: 10 * time.Second, recheck: never,
			cancelAfter: 30 * time.Millisecond, wantErr: func(err error) bool { return errors.Is(err, context.Canceled) },
			minElapsed: 30 * time.Millisecond, maxElapsed: 2 * time.Second},
		{name: "context deadline bounds the wait", sn: "SN1", minVersion: 2, wait: 10 * time.Second, recheck: never,
			ctxTimeout: 400 * time.Millisecond, wantVersion: 1, minElapsed: 100 * time.Millisecond, maxElapsed: 390 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store, n := newMemStore(), NewNotifier()
			if err := store.Create(context.Background(), &Order{SN: "SN1", Status: StatusCreated, Version: 1}); err != nil {
				t.Fatal(err)
			}
			w, err := NewWaiter(WaiterOptions{Orders: store, Changes: n, Recheck: tc.recheck, Reserve: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.ctxTimeout > 0 {
				ctx, cancel = context.WithTimeout(ctx, tc.ctxTimeout)
				defer cancel()
			}
			var wg sync.WaitGroup
			defer wg.Wait()
			if tc.cancelAfter > 0 {
				stop := time.AfterFunc(tc.cancelAfter, cancel)
				defer stop.Stop()
			}
			if tc.change != nil {
				wg.Add(1)
				go func() {
					defer wg.Done()
					time.Sleep(20 * time.Millisecond)
					tc.change(t, store, n)
				}()
			}

			start := time.Now()
			o, err := w.WaitOrder(ctx, tc.sn, tc.minVersion, tc.wait)
			elapsed := time.Since(start)

			switch {
			case tc.wantErr != nil && (err == nil || !tc.wantErr(err)):
				t.Fatalf("err = %v, want a matching error", err)
			case tc.wantErr == nil && err != nil:
				t.Fatal(err)
			case tc.wantErr == nil && o.Version != tc.wantVersion:
				t.Fatalf("version %d, want %d", o.Version, tc.wantVersion)
			}
			if elapsed < tc.minElapsed || elapsed > tc.maxElapsed {
				t.Fatalf("answered after %v, want %v..%v", elapsed, tc.minElapsed, tc.maxElapsed)
			}
			n.mu.Lock()
			left := len(n.watchers)
			n.mu.Unlock()
			if left != 0 {
				t.Fatalf("%d orders still have watchers after WaitOrder returned", left)
			}
		})
	}
}

func TestWaitOrderManyWaiters(t *testing.T) {
	store, n := newMemStore(), NewNotifier()
	if err := store.Create(context.Background(), &Order{SN: "SN1", Status: StatusCreated, Version: 1}); err != nil {
		t.Fatal(err)
	}
	w, err := NewWaiter(WaiterOptions{Orders: store, Changes: n, Recheck: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	const waiters = 20
	var wg sync.WaitGroup
	versions := make([]int64, waiters)
	for i := range waiters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, err := w.WaitOrder(context.Background(), "SN1", 2, 10*time.Second)
			if err != nil {
				t.Error(err)
				return
			}
			versions[i] = o.Version
		}()
	}
	// Every waiter subscribes before its first read, so a change made once
	// all of them are registered must wake every one.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		n.mu.Lock()
		registered := len(n.watchers["SN1"])
		n.mu.Unlock()
		if registered == waiters {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d waiters registered", registered, waiters)
		}
	}
	if err := store.Update(context.Background(), "SN1", 1, State{Status: StatusAwaitingPayment}); err != nil {
		t.Fatal(err)
	}
	n.Notify("SN1")
	wg.Wait()
	for i, v := range versions {
		if v != 2 {
			t.Fatalf("waiter %d saw version %d, want 2", i, v)
		}
	}
	if len(n.watchers) != 0 {
		t.Fatalf("watchers left: %v", n.watchers)
	}
}

func TestWaiterStop(t *testing.T) {
	store, n := newMemStore(), NewNotifier()
	if err := store.Create(context.Background(), &Order{SN: "SN1", Status: StatusCreated, Version: 1}); err != nil {
		t.Fatal(err)
	}
	w, err := NewWaiter(WaiterOptions{Orders: store, Changes: n, Recheck: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	stopper := time.AfterFunc(50*time.Millisecond, w.Stop)
	defer stopper.Stop()
	for i, want := range []time.Duration{50 * time.Millisecond, 0} { // the wait in progress, then a later one
		start := time.Now()
		o, err := w.WaitOrder(context.Background(), "SN1", 2, 10*time.Second)
		elapsed := time.Since(start)
		if err != nil || o.Version != 1 {
			t.Fatalf("wait %d: %+v, %v; want the order at version 1", i, o, err)
		}
		if elapsed < want || elapsed > want+2*time.Second {
			t.Fatalf("wait %d answered after %v, want about %v", i, elapsed, want)
		}
	}
	w.Stop() // a second Stop does nothing
	if len(n.watchers) != 0 {
		t.Fatalf("watchers left: %v", n.watchers)
	}
}
