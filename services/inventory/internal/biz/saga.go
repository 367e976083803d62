package biz

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/idem"
)

// OrderEvent is an order event the inventory consumes, decoded by the
// service layer. Lines is set for order:created only.
type OrderEvent struct {
	EventID string
	Type    event.Type
	OrderSN string
	Lines   []event.Line
}

// HandleOrderEvent applies e once: in one transaction it claims the event
// id, reads the order's reservation, and performs what Decide says. A lost
// optimistic lock reruns the whole transaction. A nil return means the
// event is done (applied now, before, or deliberately ignored); an error
// means the caller should have it redelivered.
func (uc *Usecase) HandleOrderEvent(ctx context.Context, e OrderEvent) error {
	switch e.Type {
	case event.OrderCreated, event.OrderPaid, event.OrderCancelled:
	default:
		return fmt.Errorf("biz: inventory does not handle %s", e.Type)
	}
	err := idem.Retry(ctx, uc.attempts, func(ctx context.Context) error {
		return uc.tx.InTx(ctx, func(ctx context.Context) error { return uc.apply(ctx, e) })
	})
	if err != nil {
		return fmt.Errorf("biz: %s %s: %w", e.Type, e.EventID, err)
	}
	return nil
}

// apply runs inside the transaction of HandleOrderEvent.
func (uc *Usecase) apply(ctx context.Context, e OrderEvent) error {
	lg := uc.log.WithContext(ctx)
	fresh, err := uc.dedup.Claim(ctx, e.EventID)
	if err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	if !fresh {
		lg.Debugf("%s: already handled", e.EventID)
		return nil
	}
	r, err := uc.reservations.Get(ctx, e.OrderSN)
	switch {
	case errors.Is(err, ErrReservationNotFound):
		r = Reservation{OrderSN: e.OrderSN, Status: StatusNone}
	case err != nil:
		return fmt.Errorf("get reservation: %w", err)
	}
	act := Decide(e.Type, r.Status)
	switch act {
	case ActionReserve:
		return uc.reserve(ctx, e.OrderSN, e.Lines)
	case ActionTombstone:
		lg.Infof("%s: no reservation yet; recording a CANCELLED tombstone", e.EventID)
		return uc.reservations.Create(ctx, Reservation{OrderSN: e.OrderSN, Status: StatusCancelled, Version: 1})
	case ActionSell:
		return uc.move(ctx, r, StatusSold, Stock.Sell)
	case ActionRelease:
		return uc.move(ctx, r, StatusReleased, Stock.Release)
	case ActionAnomaly:
		lg.Errorf("%s: unexpected for a reservation in state %q; ignored", e.EventID, r.Status)
	default:
		if r.Status == StatusCancelled && e.Type == event.OrderCreated {
			lg.Infof("%s: the order was cancelled before it was reserved (tombstone); reserving nothing", e.EventID)
		} else {
			lg.Infof("%s: reservation is %s; nothing to do", e.EventID, r.Status)
		}
	}
	return nil
}

// reserve reserves every line or none. Stock rows are locked, read and
// then updated in SKU order; a short line records a REJECTED reservation
// (without lines: stock:rejected names the short SKU) and touches no stock
// row.
func (uc *Usecase) reserve(ctx context.Context, orderSN string, lines []event.Line) error {
	req := MergeLines(lines)
	skus := make([]string, len(req))
	for i, l := range req {
		skus[i] = l.SKU
	}
	stocks, err := uc.stocks.LockMany(ctx, skus)
	if err != nil {
		return fmt.Errorf("read stocks: %w", err)
	}
	short, ok := firstShort(req, stocks)
	if bad := slices.IndexFunc(lines, func(l event.Line) bool { return l.Quantity <= 0 }); bad >= 0 {
		l := lines[bad]
		short, ok = event.StockRejectedPayload{SKU: l.SKU, Requested: l.Quantity, Available: stocks[l.SKU].Available}, true
	}
	if ok {
		uc.log.WithContext(ctx).Infof("order %s rejected: %s requested %d available %d",
			orderSN, short.SKU, short.Requested, short.Available)
		if err := uc.reservations.Create(ctx, Reservation{OrderSN: orderSN, Status: StatusRejected, Version: 1}); err != nil {
			return fmt.Errorf("record rejection: %w", err)
		}
		return uc.publish(ctx, event.StockRejected, orderSN, 1, short)
	}
	rlines := make([]ReservationLine, len(req))
	for i, l := range req {
		rlines[i] = ReservationLine{SKU: l.SKU, Quantity: l.Quantity}
	}
	if err := uc.reservations.Create(ctx, Reservation{OrderSN: orderSN, Status: StatusReserved, Version: 1, Lines: rlines}); err != nil {
		return fmt.Errorf("record reservation: %w", err)
	}
	for _, l := range req {
		if err := uc.stocks.Update(ctx, stocks[l.SKU].Reserve(l.Quantity)); err != nil {
			return fmt.Errorf("reserve %s: %w", l.SKU, err)
		}
	}
	return uc.publish(ctx, event.StockReserved, orderSN, 1, event.StockReservedPayload{Lines: req})
}

// firstShort returns the first line (in SKU order) that cannot be
// reserved: an unknown SKU, a quantity below 1, or too few units; an order
// without lines is short on SKU "". (reserve also rejects any unmerged line
// below 1, so that a negative line cannot offset another.)
func firstShort(req []event.Line, stocks map[string]Stock) (event.StockRejectedPayload, bool) {
	if len(req) == 0 {
		return event.StockRejectedPayload{}, true
	}
	for _, l := range req {
		s, ok := stocks[l.SKU]
		if !ok || l.Quantity <= 0 || s.Available < l.Quantity {
			return event.StockRejectedPayload{SKU: l.SKU, Requested: l.Quantity, Available: s.Available}, true
		}
	}
	return event.StockRejectedPayload{}, false
}

// move applies f (Stock.Sell or Stock.Release) to every line of r in SKU
// order (the rows locked first, as in reserve) and sets r's status to to.
func (uc *Usecase) move(ctx context.Context, r Reservation, to ReservationStatus, f func(Stock, int32) Stock) error {
	skus := make([]string, len(r.Lines))
	for i, l := range r.Lines {
		skus[i] = l.SKU
	}
	stocks, err := uc.stocks.LockMany(ctx, skus)
	if err != nil {
		return fmt.Errorf("read stocks: %w", err)
	}
	for _, l := range SortLines(r.Lines) {
		s, ok := stocks[l.SKU]
		if !ok {
			return fmt.Errorf("reservation %s: sku %s has no stock row", r.OrderSN, l.SKU)
		}
		next := f(s, l.Quantity)
		if err := next.Check(); err != nil {
			return fmt.Errorf("reservation %s -> %s: %w", r.OrderSN, to, err)
		}
		if err := uc.stocks.Update(ctx, next); err != nil {
			return fmt.Errorf("%s %s: %w", to, l.SKU, err)
		}
	}
	if err := uc.reservations.UpdateStatus(ctx, r.OrderSN, r.Version, to); err != nil {
		return fmt.Errorf("reservation %s -> %s: %w", r.OrderSN, to, err)
	}
	uc.log.WithContext(ctx).Debugf("reservation %s: %s -> %s", r.OrderSN, r.Status, to)
	return nil
}

// publish adds an event about orderSN to the transaction's outbox.
func (uc *Usecase) publish(ctx context.Context, t event.Type, orderSN string, version int64, payload any) error {
	e, err := event.New(t, orderSN, version, uc.now(), payload)
	if err != nil {
		return fmt.Errorf("build %s: %w", t, err)
	}
	if err := uc.events.Publish(ctx, e); err != nil {
		return fmt.Errorf("publish %s: %w", e.EventID, err)
	}
	return nil
}
