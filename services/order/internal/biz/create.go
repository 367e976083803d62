package biz

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"

	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"

	"github.com/sagashop/sagashop/pkg/event"
)

// snAttempts bounds the order_sn collisions CreateOrder retries.
const snAttempts = 3

// LineInput is one requested order line; the caller has validated it
// (SKU set, quantity >= 1, each SKU once).
type LineInput struct {
	SKU      string
	Quantity int32
}

// CreateOrder prices lines with the catalogue and places the order: the
// order:created transaction message and, as its local transaction, the
// insert of the order (CREATED, version 1) with its items.
func (uc *OrderUsecase) CreateOrder(ctx context.Context, userID string, lines []LineInput) (*Order, error) {
	skus := make([]string, len(lines))
	for i, l := range lines {
		skus[i] = l.SKU
	}
	products, err := uc.o.Catalogue.Products(ctx, skus)
	if err != nil {
		return nil, err
	}
	items, total, err := price(lines, products)
	if err != nil {
		return nil, err
	}
	now := uc.now()
	for attempt := 1; ; attempt++ {
		sn, err := uc.o.NewSN(now)
		if err != nil {
			return nil, err
		}
		o := &Order{
			SN: sn, UserID: userID, Status: StatusCreated, TotalAmount: total, Version: 1,
			Items: items, PaymentDeadline: now.Add(uc.o.PaymentTimeout), CreatedAt: now, UpdatedAt: now,
		}
		err = uc.place(ctx, o)
		if errors.Is(err, ErrDuplicateSN) && attempt < snAttempts {
			uc.log.WithContext(ctx).Warnf("order_sn %s taken, trying another", sn)
			continue
		}
		if err != nil {
			return nil, err
		}
		return o, nil
	}
}

// place sends o's order:created as a transaction message whose local
// transaction inserts o.
func (uc *OrderUsecase) place(ctx context.Context, o *Order) error {
	lines := make([]event.Line, len(o.Items))
	for i, it := range o.Items {
		lines[i] = event.Line{SKU: it.SKU, Quantity: it.Quantity, UnitPrice: it.UnitPrice}
	}
	e, err := event.New(event.OrderCreated, o.SN, o.Version, o.CreatedAt, event.OrderCreatedPayload{
		UserID: o.UserID, Lines: lines, TotalAmount: o.TotalAmount, PaymentDeadline: o.PaymentDeadline,
	})
	if err != nil {
		return fmt.Errorf("biz: order:created of %s: %w", o.SN, err)
	}
	return uc.o.Created.PublishWithLocal(ctx, e, func(ctx context.Context) error {
		err := uc.o.Tx.InTx(ctx, func(ctx context.Context) error {
			if err := uc.o.Orders.Create(ctx, o); err != nil {
				return err
			}
			uc.o.Fault(FaultBeforeLocalCommit)
			return nil
		})
		if err != nil {
			return err
		}
		uc.o.Fault(FaultAfterLocalCommit)
		return nil
	})
}

// price turns lines into items with the catalogue's names and prices and
// sums the total; an unknown SKU is UNKNOWN_SKU, a total beyond int64
// INVALID_ARGUMENT.
func price(lines []LineInput, products map[string]Product) ([]Item, int64, error) {
	items := make([]Item, len(lines))
	var total int64
	for i, l := range lines {
		p, ok := products[l.SKU]
		if !ok {
			return nil, 0, v1.ErrorUnknownSku("unknown sku %q", l.SKU)
		}
		if p.Price < 0 {
			return nil, 0, fmt.Errorf("biz: catalogue price of %s is negative: %d", p.SKU, p.Price)
		}
		q := int64(l.Quantity)
		if p.Price > 0 && q > (math.MaxInt64-total)/p.Price {
			return nil, 0, v1.ErrorInvalidArgument("order total overflows at sku %q", l.SKU).
				WithMetadata(map[string]string{"sku": l.SKU, "quantity": strconv.FormatInt(q, 10)})
		}
		total += q * p.Price
		items[i] = Item{SKU: l.SKU, Name: p.Name, Quantity: l.Quantity, UnitPrice: p.Price}
	}
	return items, total, nil
}
