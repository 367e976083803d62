package service

import (
	"context"
	"errors"

	"github.com/go-kratos/kratos/v2/log"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// EventHandler decodes the saga's messages for the order use cases.
type EventHandler struct {
	log      *log.Helper
	handlers map[event.Type]func(context.Context, event.Envelope) error
}

// NewEventHandler returns the handler of the events the order service
// consumes: order:created, order:timeout, stock:reserved, stock:rejected
// and payment:succeeded.
func NewEventHandler(uc *biz.OrderUsecase, logger log.Logger) *EventHandler {
	return &EventHandler{
		log: helper(logger),
		handlers: map[event.Type]func(context.Context, event.Envelope) error{
			event.OrderCreated:     uc.ScheduleTimeout,
			event.OrderTimeout:     uc.HandleTimeout,
			event.StockReserved:    uc.HandleStockReserved,
			event.StockRejected:    uc.HandleStockRejected,
			event.PaymentSucceeded: uc.HandlePaymentSucceeded,
		},
	}
}

// Handle handles one message body. nil acks it: done, a duplicate, or a
// message no retry can help (malformed, or of a type the service does not
// consume), which is logged. An error asks for redelivery later.
func (h *EventHandler) Handle(ctx context.Context, body []byte) error {
	e, err := event.Decode(body)
	if err != nil {
		h.log.WithContext(ctx).Errorf("dropping malformed message: %v", err)
		return nil
	}
	handle, ok := h.handlers[e.Type]
	if !ok {
		h.log.WithContext(ctx).Warnf("dropping %s: the order service does not consume %s", e.EventID, e.Type)
		return nil
	}
	err = handle(ctx, e)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, biz.ErrBadEvent) || errors.Is(err, event.ErrMalformed):
		h.log.WithContext(ctx).Errorf("dropping %s: %v", e.EventID, err)
		return nil
	case errors.Is(err, biz.ErrNotReady):
		h.log.WithContext(ctx).Infof("%s: %v; retrying later", e.EventID, err)
	default:
		h.log.WithContext(ctx).Warnf("%s failed, retrying later: %v", e.EventID, err)
	}
	return err
}
