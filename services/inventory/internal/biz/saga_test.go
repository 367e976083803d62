package biz

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/idem"
)

func created(sn string, lines ...event.Line) OrderEvent {
	return OrderEvent{EventID: event.ID(event.OrderCreated, sn, 1), Type: event.OrderCreated, OrderSN: sn, Lines: lines}
}

func paid(sn string) OrderEvent {
	return OrderEvent{EventID: event.ID(event.OrderPaid, sn, 3), Type: event.OrderPaid, OrderSN: sn}
}

func cancelled(sn string) OrderEvent {
	return OrderEvent{EventID: event.ID(event.OrderCancelled, sn, 3), Type: event.OrderCancelled, OrderSN: sn}
}

func line(sku string, q int32) event.Line { return event.Line{SKU: sku, Quantity: q, UnitPrice: 100} }

type stockWant struct{ available, reserved, sold int32 }

func TestHandleOrderEvent(t *testing.T) {
	tests := []struct {
		name       string
		events     []OrderEvent
		wantStatus ReservationStatus
		wantStock  map[string]stockWant
		wantEvents []string // event ids published
		wantReject *event.StockRejectedPayload
	}{
		{name: "reserve all lines", events: []OrderEvent{created("o1", line("B", 2), line("A", 3))},
			wantStatus: StatusReserved, wantStock: map[string]stockWant{"A": {7, 3, 0}, "B": {8, 2, 0}},
			wantEvents: []string{"stock:reserved/o1/1"}},
		{name: "exact last units", events: []OrderEvent{created("o1", line("A", 10))},
			wantStatus: StatusReserved, wantStock: map[string]stockWant{"A": {0, 10, 0}},
			wantEvents: []string{"stock:reserved/o1/1"}},
		{name: "one line short rejects all", events: []OrderEvent{created("o1", line("A", 3), line("B", 11), line("C", 99))},
			wantStatus: StatusRejected, wantStock: map[string]stockWant{"A": {10, 0, 0}, "B": {10, 0, 0}},
			wantEvents: []string{"stock:rejected/o1/1"}, wantReject: &event.StockRejectedPayload{SKU: "B", Requested: 11, Available: 10}},
		{name: "unknown sku rejects", events: []OrderEvent{created("o1", line("A", 1), line("ZZ", 1))},
			wantStatus: StatusRejected, wantStock: map[string]stockWant{"A": {10, 0, 0}},
			wantEvents: []string{"stock:rejected/o1/1"}, wantReject: &event.StockRejectedPayload{SKU: "ZZ", Requested: 1}},
		{name: "negative line cannot offset", events: []OrderEvent{created("o1", line("A", 12), line("A", -5))},
			wantStatus: StatusRejected, wantStock: map[string]stockWant{"A": {10, 0, 0}},
			wantEvents: []string{"stock:rejected/o1/1"}, wantReject: &event.StockRejectedPayload{SKU: "A", Requested: -5, Available: 10}},
		{name: "no lines rejects", events: []OrderEvent{created("o1")},
			wantStatus: StatusRejected, wantEvents: []string{"stock:rejected/o1/1"}, wantReject: &event.StockRejectedPayload{}},
		{name: "duplicate created applied once", events: []OrderEvent{created("o1", line("A", 3)), created("o1", line("A", 3))},
			wantStatus: StatusReserved, wantStock: map[string]stockWant{"A": {7, 3, 0}}, wantEvents: []string{"stock:reserved/o1/1"}},
		{name: "paid sells", events: []OrderEvent{created("o1", line("A", 3), line("B", 1)), paid("o1")},
			wantStatus: StatusSold, wantStock: map[string]stockWant{"A": {7, 0, 3}, "B": {9, 0, 1}}, wantEvents: []string{"stock:reserved/o1/1"}},
		{name: "paid twice sells once", events: []OrderEvent{created("o1", line("A", 3)), paid("o1"), paid("o1")},
			wantStatus: StatusSold, wantStock: map[string]stockWant{"A": {7, 0, 3}}, wantEvents: []string{"stock:reserved/o1/1"}},
		{name: "cancelled releases", events: []OrderEvent{created("o1", line("A", 3)), cancelled("o1")},
			wantStatus: StatusReleased, wantStock: map[string]stockWant{"A": {10, 0, 0}}, wantEvents: []string{"stock:reserved/o1/1"}},
		{name: "cancelled twice releases once", events: []OrderEvent{created("o1", line("A", 3)), cancelled("o1"), cancelled("o1")},
			wantStatus: StatusReleased, wantStock: map[string]stockWant{"A": {10, 0, 0}}, wantEvents: []string{"stock:reserved/o1/1"}},
		{name: "cancel before reserve leaves tombstone", events: []OrderEvent{cancelled("o1"), created("o1", line("A", 3))},
			wantStatus: StatusCancelled, wantStock: map[string]stockWant{"A": {10, 0, 0}}},
		{name: "cancel after rejection ignored", events: []OrderEvent{created("o1", line("A", 30)), cancelled("o1")},
			wantStatus: StatusRejected, wantStock: map[string]stockWant{"A": {10, 0, 0}}, wantEvents: []string{"stock:rejected/o1/1"},
			wantReject: &event.StockRejectedPayload{SKU: "A", Requested: 30, Available: 10}},
		{name: "cancel after sale ignored", events: []OrderEvent{created("o1", line("A", 3)), paid("o1"), cancelled("o1")},
			wantStatus: StatusSold, wantStock: map[string]stockWant{"A": {7, 0, 3}}, wantEvents: []string{"stock:reserved/o1/1"}},
		{name: "paid after release ignored", events: []OrderEvent{created("o1", line("A", 3)), cancelled("o1"), paid("o1")},
			wantStatus: StatusReleased, wantStock: map[string]stockWant{"A": {10, 0, 0}}, wantEvents: []string{"stock:reserved/o1/1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMemStore(map[string]int32{"A": 10, "B": 10, "C": 10})
			uc := newTestUsecase(t, m, nil, 3)
			for _, e := range tt.events {
				if err := uc.HandleOrderEvent(context.Background(), e); err != nil {
					t.Fatalf("%s: %v", e.EventID, err)
				}
			}
			if got := m.res["o1"].Status; got != tt.wantStatus {
				t.Errorf("status = %q, want %q", got, tt.wantStatus)
			}
			for sku, w := range tt.wantStock {
				s := m.stocks[sku]
				if got := (stockWant{s.Available, s.Reserved, s.Sold}); got != w {
					t.Errorf("%s = %+v, want %+v", sku, got, w)
				}
			}
			var ids []string
			for _, e := range m.events {
				ids = append(ids, e.EventID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(tt.wantEvents) {
				t.Errorf("events = %v, want %v", ids, tt.wantEvents)
			}
			if tt.wantReject != nil {
				var p event.StockRejectedPayload
				if err := m.events[0].Unmarshal(&p); err != nil || p != *tt.wantReject {
					t.Errorf("rejection = %+v (%v), want %+v", p, err, *tt.wantReject)
				}
			}
			m.checkInvariants(t)
		})
	}
}

func TestHandleOrderEventRetriesConflicts(t *testing.T) {
	tests := []struct {
		name      string
		conflicts int // stock updates that lose their race
		attempts  int
		wantErr   bool
	}{
		{name: "no conflict", conflicts: 0, attempts: 3},
		{name: "two conflicts then success", conflicts: 2, attempts: 3},
		{name: "conflicts exhaust retries", conflicts: 3, attempts: 3, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMemStore(map[string]int32{"A": 10, "B": 10})
			left := tt.conflicts
			m.onUpdate = func(s Stock) error {
				if s.SKU == "B" && left > 0 { // fail after A was already changed
					left--
					return fmt.Errorf("stock B: %w", idem.ErrConflict)
				}
				return nil
			}
			uc := newTestUsecase(t, m, nil, tt.attempts)
			err := uc.HandleOrderEvent(context.Background(), created("o1", line("A", 1), line("B", 2)))
			if tt.wantErr {
				if !errors.Is(err, idem.ErrConflict) {
					t.Fatalf("err = %v, want a conflict", err)
				}
				if len(m.res) != 0 || len(m.claimed) != 0 || len(m.events) != 0 || m.stocks["A"].Available != 10 {
					t.Fatalf("a failed event left state behind: %+v %v %v %+v", m.res, m.claimed, m.events, m.stocks)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.txs != tt.conflicts+1 {
				t.Errorf("transactions = %d, want %d", m.txs, tt.conflicts+1)
			}
			if m.stocks["A"].Available != 9 || m.stocks["B"].Available != 8 || len(m.events) != 1 {
				t.Errorf("stocks %+v events %d", m.stocks, len(m.events))
			}
			m.checkInvariants(t)
		})
	}
}

func TestHandleOrderEventRejectsForeignTypes(t *testing.T) {
	m := newMemStore(nil)
	uc := newTestUsecase(t, m, nil, 1)
	if err := uc.HandleOrderEvent(context.Background(), OrderEvent{EventID: "x", Type: event.StockReserved, OrderSN: "o1"}); err == nil {
		t.Fatal("stock:reserved accepted")
	}
	if m.txs != 0 {
		t.Fatal("a transaction ran")
	}
}

func TestHandleOrderEventConcurrentBuyers(t *testing.T) {
	m := newMemStore(map[string]int32{"LIMITED": 10})
	uc := newTestUsecase(t, m, nil, 5)
	errs := make(chan error, 50)
	for i := range 50 {
		go func() {
			errs <- uc.HandleOrderEvent(context.Background(), created(fmt.Sprintf("o%02d", i), line("LIMITED", 1)))
		}()
	}
	for range 50 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	reserved := 0
	for _, r := range m.res {
		if r.Status == StatusReserved {
			reserved++
		}
	}
	if reserved != 10 || m.stocks["LIMITED"].Available != 0 || len(m.events) != 50 {
		t.Fatalf("reserved %d, stock %+v, events %d", reserved, m.stocks["LIMITED"], len(m.events))
	}
	m.checkInvariants(t)
}
