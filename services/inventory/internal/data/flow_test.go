package data

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	kerrors "github.com/go-kratos/kratos/v2/errors"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/idem"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

func orderEvent(t event.Type, sn string, lines ...event.Line) biz.OrderEvent {
	return biz.OrderEvent{EventID: event.ID(t, sn, 1), Type: t, OrderSN: sn, Lines: lines}
}

func ln(sku string, q int32) event.Line { return event.Line{SKU: sku, Quantity: q, UnitPrice: 1} }

// outboxIDs lists the event ids in outbox_events in id order.
func (e *env) outboxIDs(t *testing.T) []string {
	t.Helper()
	var ids []string
	if err := e.gdb.Table("outbox_events").Order("id").Pluck("event_id", &ids).Error; err != nil {
		t.Fatal(err)
	}
	return ids
}

func (e *env) status(t *testing.T, sn string) biz.ReservationStatus {
	t.Helper()
	r, err := NewReservationRepo(e.d).Get(context.Background(), sn)
	if errors.Is(err, biz.ErrReservationNotFound) {
		return biz.StatusNone
	}
	if err != nil {
		t.Fatal(err)
	}
	return r.Status
}

func TestSagaFlow(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		steps := []struct {
			ev         biz.OrderEvent
			wantStatus biz.ReservationStatus
		}{
			{orderEvent(event.OrderCreated, "A1", ln("SKU-TEE", 2), ln("SKU-MUG", 1)), biz.StatusReserved},
			{orderEvent(event.OrderCreated, "A1", ln("SKU-TEE", 2), ln("SKU-MUG", 1)), biz.StatusReserved}, // duplicate
			{orderEvent(event.OrderPaid, "A1"), biz.StatusSold},
			{orderEvent(event.OrderCreated, "B2", ln("SKU-TEE", 1)), biz.StatusReserved},
			{orderEvent(event.OrderCancelled, "B2"), biz.StatusReleased},
			{orderEvent(event.OrderCreated, "C3", ln("SKU-MUG", 1), ln("SKU-LIMITED", 11)), biz.StatusRejected},
			{orderEvent(event.OrderCancelled, "D4"), biz.StatusCancelled},
			{orderEvent(event.OrderCreated, "D4", ln("SKU-CAP", 1)), biz.StatusCancelled}, // hanging avoided
		}
		for _, s := range steps {
			if err := e.uc.HandleOrderEvent(ctx, s.ev); err != nil {
				t.Fatalf("%s: %v", s.ev.EventID, err)
			}
			if got := e.status(t, s.ev.OrderSN); got != s.wantStatus {
				t.Fatalf("%s: status %q, want %q", s.ev.EventID, got, s.wantStatus)
			}
		}
		want := "[stock:reserved/A1/1 stock:reserved/B2/1 stock:rejected/C3/1]"
		if got := fmt.Sprint(e.outboxIDs(t)); got != want {
			t.Fatalf("outbox %s, want %s", got, want)
		}
		for sku, w := range map[string][3]int32{
			"SKU-TEE": {98, 0, 2}, "SKU-MUG": {99, 0, 1}, "SKU-LIMITED": {10, 0, 0}, "SKU-CAP": {100, 0, 0},
		} {
			s, err := e.uc.GetStock(ctx, sku)
			if err != nil {
				t.Fatal(err)
			}
			if got := [3]int32{s.Available, s.Reserved, s.Sold}; got != w {
				t.Errorf("%s: available/reserved/sold %v, want %v", sku, got, w)
			}
		}
		var rej struct{ Body []byte }
		if err := e.gdb.Table("outbox_events").Select("body").Where("event_id = ?", "stock:rejected/C3/1").Take(&rej).Error; err != nil {
			t.Fatal(err)
		}
		env, err := event.Decode(rej.Body)
		if err != nil {
			t.Fatal(err)
		}
		var p event.StockRejectedPayload
		if err := env.Unmarshal(&p); err != nil || p != (event.StockRejectedPayload{SKU: "SKU-LIMITED", Requested: 11, Available: 10}) {
			t.Fatalf("rejection %+v %v", p, err)
		}
		e.checkInvariants(t)
	})
}

// TestLastUnits has 50 buyers race for the 10 units of SKU-LIMITED.
func TestLastUnits(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 50)
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// a second SKU in reverse order on half the orders checks lock ordering
				lines := []event.Line{ln("SKU-LIMITED", 1)}
				if i%2 == 0 {
					lines = []event.Line{ln("SKU-TOTE", 1), ln("SKU-LIMITED", 1)}
				}
				errs <- e.uc.HandleOrderEvent(ctx, orderEvent(event.OrderCreated, fmt.Sprintf("L%02d", i), lines...))
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		s, err := e.uc.GetStock(ctx, "SKU-LIMITED")
		if err != nil {
			t.Fatal(err)
		}
		if s.Available != 0 || s.Reserved != 10 {
			t.Fatalf("SKU-LIMITED %+v, want 10 reserved", s)
		}
		rs, _, err := e.uc.ListReservations(ctx, biz.ReservationFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		count := map[biz.ReservationStatus]int{}
		for _, r := range rs {
			count[r.Status]++
		}
		if count[biz.StatusReserved] != 10 || count[biz.StatusRejected] != 40 || len(e.outboxIDs(t)) != 50 {
			t.Fatalf("statuses %v, outbox %d", count, len(e.outboxIDs(t)))
		}
		e.checkInvariants(t)
	})
}

func TestRestock(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		if _, err := e.uc.GetStock(ctx, "SKU-MUG"); err != nil { // fills the cache
			t.Fatal(err)
		}
		s, err := e.uc.Restock(ctx, "SKU-MUG", 5)
		if err != nil {
			t.Fatal(err)
		}
		if s.Total != 105 || s.Available != 105 || s.Version != 2 {
			t.Fatalf("restock %+v", s)
		}
		got, err := e.uc.GetStock(ctx, "SKU-MUG")
		if err != nil || got != s {
			t.Fatalf("after restock GetStock = %+v, %v; want %+v (cache not invalidated?)", got, err, s)
		}
		if _, err := e.uc.Restock(ctx, "SKU-NOPE", 5); kerrors.FromError(err).Reason != "SKU_NOT_FOUND" {
			t.Fatalf("unknown sku: %v", err)
		}
		e.checkInvariants(t)
	})
}

func TestReservationRepo(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		repo := NewReservationRepo(e.d)
		r := biz.Reservation{OrderSN: "R1", Status: biz.StatusReserved, Version: 1,
			Lines: []biz.ReservationLine{{SKU: "SKU-CAP", Quantity: 1}, {SKU: "SKU-TEE", Quantity: 2}}}
		if err := repo.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
		if err := repo.Create(ctx, biz.Reservation{OrderSN: "R1", Status: biz.StatusCancelled, Version: 1}); !errors.Is(err, idem.ErrConflict) {
			t.Fatalf("second create: %v, want a conflict", err)
		}
		got, err := repo.Get(ctx, "R1")
		if err != nil || fmt.Sprint(got) != fmt.Sprint(r) {
			t.Fatalf("Get = %+v, %v", got, err)
		}
		if err := repo.UpdateStatus(ctx, "R1", 2, biz.StatusSold); !errors.Is(err, idem.ErrConflict) {
			t.Fatalf("stale update: %v, want a conflict", err)
		}
		if err := repo.UpdateStatus(ctx, "R1", 1, biz.StatusSold); err != nil {
			t.Fatal(err)
		}
		if got, _ := repo.Get(ctx, "R1"); got.Status != biz.StatusSold || got.Version != 2 {
			t.Fatalf("after update %+v", got)
		}
		if _, err := repo.Get(ctx, "nope"); !errors.Is(err, biz.ErrReservationNotFound) {
			t.Fatalf("missing: %v", err)
		}
		for _, sn := range []string{"R3", "R2", "R4"} {
			if err := repo.Create(ctx, biz.Reservation{OrderSN: sn, Status: biz.StatusCancelled, Version: 1}); err != nil {
				t.Fatal(err)
			}
		}
		page, err := repo.List(ctx, biz.ReservationFilter{After: "R1", Limit: 2})
		if err != nil || len(page) != 2 || page[0].OrderSN != "R2" || page[1].OrderSN != "R3" {
			t.Fatalf("page %+v %v", page, err)
		}
		one, err := repo.List(ctx, biz.ReservationFilter{OrderSN: "R1", Limit: 10})
		if err != nil || len(one) != 1 || len(one[0].Lines) != 2 {
			t.Fatalf("filter %+v %v", one, err)
		}
	})
}

// TestContendedSKUsWithoutRetry has 40 handlers reserve, then sell, the
// same two SKUs at once with no retry at all: the stock rows are locked
// before they are read, so no handler may lose its version check.
func TestContendedSKUsWithoutRetry(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		uc, err := biz.NewUsecase(biz.Options{
			Tx: e.d.Tx(), Products: NewProductRepo(e.d), Stocks: NewStockRepo(e.d, e.cache), Cache: e.cache,
			Reservations: NewReservationRepo(e.d), Dedup: NewDeduper(e.d, ConsumerGroup), Events: NewPublisher(e.d, nil),
			RetryAttempts: 1,
		})
		if err != nil {
			t.Fatal(err)
		}
		const n = 40
		for _, typ := range []event.Type{event.OrderCreated, event.OrderPaid} {
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var lines []event.Line
					if typ == event.OrderCreated {
						lines = []event.Line{ln("SKU-MUG", 1), ln("SKU-TEE", 1)}
						if i%2 == 0 {
							lines = []event.Line{ln("SKU-TEE", 1)}
						}
					}
					errs <- uc.HandleOrderEvent(ctx, orderEvent(typ, fmt.Sprintf("C%02d", i), lines...))
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("%s: %v", typ, err)
				}
			}
		}
		for sku, sold := range map[string]int32{"SKU-TEE": n, "SKU-MUG": n / 2} {
			s, err := e.uc.GetStock(ctx, sku)
			if err != nil {
				t.Fatal(err)
			}
			if s.Sold != sold || s.Reserved != 0 || s.Version != 1+2*int64(sold) {
				t.Errorf("%s: %+v, want %d sold and version %d", sku, s, sold, 1+2*sold)
			}
		}
		e.checkInvariants(t)
	})
}
