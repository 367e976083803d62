package service

import (
	"context"

	"github.com/go-kratos/kratos/v2/log"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/messaging"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

// OrderTags is the tag expression of the inventory's subscription to the
// order topic.
const OrderTags = "created || paid || cancelled"

// EventHandler decodes the order events the inventory consumes and hands
// them to the use case.
type EventHandler struct {
	uc  *biz.Usecase
	log *log.Helper
}

// NewEventHandler returns the handlers over uc; logger nil means none.
func NewEventHandler(uc *biz.Usecase, logger log.Logger) *EventHandler {
	if logger == nil {
		logger = log.NewFilter(log.DefaultLogger, log.FilterLevel(log.LevelFatal))
	}
	return &EventHandler{uc: uc, log: log.NewHelper(log.With(logger, "module", "inventory/events"))}
}

// HandleOrder is the messaging.Handler of the order topic. A message that
// cannot be decoded is logged and acked (redelivering it cannot help);
// an error of the use case is returned so that the broker redelivers.
func (h *EventHandler) HandleOrder(ctx context.Context, d messaging.Delivery) error {
	e, err := event.Decode(d.Body)
	if err != nil {
		h.log.WithContext(ctx).Errorf("order topic message %s (keys %v) dropped: %v", d.MsgID, d.Keys, err)
		return nil
	}
	switch e.Type {
	case event.OrderCreated:
		return h.orderCreated(ctx, e)
	case event.OrderPaid, event.OrderCancelled:
		return h.orderChanged(ctx, e)
	}
	h.log.WithContext(ctx).Debugf("%s: not an inventory event; acked", e.EventID)
	return nil
}

// orderCreated reserves the order's lines or rejects the order.
func (h *EventHandler) orderCreated(ctx context.Context, e event.Envelope) error {
	var p event.OrderCreatedPayload
	if err := e.Unmarshal(&p); err != nil {
		h.log.WithContext(ctx).Errorf("%s dropped: %v", e.EventID, err)
		return nil
	}
	return h.uc.HandleOrderEvent(ctx, biz.OrderEvent{EventID: e.EventID, Type: e.Type, OrderSN: e.OrderSN, Lines: p.Lines})
}

// orderChanged sells (order:paid) or releases (order:cancelled) the
// order's reservation; their payloads carry nothing the inventory needs.
func (h *EventHandler) orderChanged(ctx context.Context, e event.Envelope) error {
	return h.uc.HandleOrderEvent(ctx, biz.OrderEvent{EventID: e.EventID, Type: e.Type, OrderSN: e.OrderSN})
}
