package service

import (
	"context"

	"github.com/go-kratos/kratos/v2/log"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/services/payment/internal/biz"
)

// EventHandlers decodes the messages the payment service consumes and
// hands them to the use cases. A handler's error means "deliver again
// later".
type EventHandlers struct {
	uc  *biz.PaymentUsecase
	log *log.Helper
}

// NewEventHandlers returns the message handlers over uc.
func NewEventHandlers(uc *biz.PaymentUsecase, logger log.Logger) *EventHandlers {
	return &EventHandlers{uc: uc, log: log.NewHelper(log.With(logger, "module", "payment/events"))}
}

// OrderCancelled handles a message of topic order, tag cancelled. A body
// that is not an order:cancelled envelope is logged and acknowledged:
// delivering it again would not make it valid.
func (h *EventHandlers) OrderCancelled(ctx context.Context, body []byte) error {
	e, err := event.Decode(body)
	if err != nil {
		h.log.WithContext(ctx).Errorf("dropping malformed order:cancelled message: %v", err)
		return nil
	}
	if e.Type != event.OrderCancelled {
		h.log.WithContext(ctx).Errorf("dropping %s delivered as %s", e.EventID, event.OrderCancelled)
		return nil
	}
	if err := h.uc.OrderCancelled(ctx, e); err != nil {
		h.log.WithContext(ctx).Warnf("%s: will retry: %v", e.EventID, err)
		return err
	}
	return nil
}
