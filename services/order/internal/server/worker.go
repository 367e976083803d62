package server

import (
	"context"

	"github.com/go-kratos/kratos/v2/log"

	"github.com/sagashop/sagashop/pkg/kit"
	"github.com/sagashop/sagashop/pkg/messaging"
	"github.com/sagashop/sagashop/pkg/outbox"
	"github.com/sagashop/sagashop/services/order/internal/service"
)

// Subscriptions of the order-service consumer group: topic -> tag
// expression.
var Subscriptions = map[string]string{
	"order":   "created || timeout",
	"stock":   "reserved || rejected",
	"payment": "succeeded",
}

// Subscribe registers h for every topic and tag the order service consumes.
func Subscribe(c *messaging.Consumer, h *service.EventHandler) error {
	for topic, tags := range Subscriptions {
		if err := c.Subscribe(topic, tags, func(ctx context.Context, d messaging.Delivery) error {
			return h.Handle(ctx, d.Body)
		}); err != nil {
			return err
		}
	}
	return nil
}

// Worker holds the background parts of the service.
type Worker struct {
	Producer   *messaging.Producer
	TxProducer *messaging.TxProducer
	Relay      *outbox.Relay
	Consumer   *messaging.Consumer
	Sweeper    *Sweeper
	// WarmUp, when set, runs right after the transaction producer started
	// (see data.WarmUpTx); its failure is logged, not fatal.
	WarmUp func(ctx context.Context) error
	// Logger defaults to none.
	Logger log.Logger
}

// NewWorker returns the "worker" transport server: it starts the producers,
// the relay, the consumer and the sweeper in that order and stops them in
// reverse, so consuming ends before the producers close.
func NewWorker(w Worker) *kit.Lifecycle {
	l := &kit.Lifecycle{}
	l.Add("producer", func(context.Context) error { return w.Producer.Start() },
		func(context.Context) error { return w.Producer.Shutdown() })
	l.Add("tx-producer", func(ctx context.Context) error {
		if err := w.TxProducer.Start(); err != nil {
			return err
		}
		if w.WarmUp != nil {
			if err := w.WarmUp(ctx); err != nil && w.Logger != nil {
				log.NewHelper(log.With(w.Logger, "module", "order/worker")).Warnf("%v", err)
			}
		}
		return nil
	}, func(context.Context) error { return w.TxProducer.Shutdown() })
	l.Add("relay", w.Relay.Start, w.Relay.Stop)
	l.Add("consumer", func(context.Context) error { return w.Consumer.Start() },
		func(context.Context) error { return w.Consumer.Shutdown() })
	l.Add("sweeper", w.Sweeper.Start, w.Sweeper.Stop)
	return l
}
