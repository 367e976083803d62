package server

import (
	"context"
	"fmt"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/kit"
	"github.com/sagashop/sagashop/pkg/messaging"
	"github.com/sagashop/sagashop/pkg/outbox"
	"github.com/sagashop/sagashop/services/payment/internal/service"
)

// WorkerOptions are the parts of the payment service's worker.
type WorkerOptions struct {
	// Producer sends the outbox's events; started first, stopped last.
	Producer *messaging.Producer
	// Relay moves outbox_events rows to Producer.
	Relay *outbox.Relay
	// Consumer receives order:cancelled; started last, stopped first.
	Consumer *messaging.Consumer
	// Handlers handle the consumed messages.
	Handlers *service.EventHandlers
}

// NewWorker subscribes the consumer to topic order, tag cancelled, and
// returns the worker transport: start producer, relay, consumer; stop in
// reverse, so no message is consumed after the relay and producer stop and
// nothing touches the database after the worker stops.
func NewWorker(o WorkerOptions) (*kit.Lifecycle, error) {
	handle := func(ctx context.Context, d messaging.Delivery) error {
		return o.Handlers.OrderCancelled(ctx, d.Body)
	}
	if err := o.Consumer.Subscribe(event.TopicOrder, event.OrderCancelled.Tag(), handle); err != nil {
		return nil, fmt.Errorf("server: subscribe %s: %w", event.OrderCancelled, err)
	}
	w := &kit.Lifecycle{}
	w.Add("producer",
		func(context.Context) error { return o.Producer.Start() },
		func(context.Context) error { return o.Producer.Shutdown() })
	w.Add("outbox relay", o.Relay.Start, o.Relay.Stop)
	w.Add("consumer",
		func(context.Context) error { return o.Consumer.Start() },
		func(context.Context) error { return o.Consumer.Shutdown() })
	return w, nil
}
