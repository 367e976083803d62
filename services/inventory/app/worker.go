package app

import (
	"context"
	"fmt"

	"github.com/go-kratos/kratos/v2/log"
	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/messaging"
	"github.com/sagashop/sagashop/pkg/outbox"
	"github.com/sagashop/sagashop/services/inventory/internal/conf"
)

// workerParts are the broker clients and the outbox relay.
type workerParts struct {
	producer *messaging.Producer
	relay    *outbox.Relay
	consumer *messaging.Consumer
}

// newWorkerParts creates the topics the service sends to (stock) and
// consumes from (order), and builds, without starting them, the producer,
// the outbox relay over it, and the consumer.
func newWorkerParts(ctx context.Context, mc *conf.Messaging, ic *conf.Inventory, gdb *gorm.DB, logger log.Logger) (*workerParts, error) {
	topics := []string{event.TopicStock, event.TopicOrder}
	if err := messaging.EnsureTopics(ctx, mc.NameServers, topics, int(mc.TopicQueues)); err != nil {
		return nil, fmt.Errorf("inventory: topics %v: %w", topics, err)
	}
	producer, err := messaging.NewProducer(messaging.ProducerOptions{
		NameServers: mc.NameServers, Group: mc.ProducerGroup,
		SendTimeout: mc.SendTimeout.AsDuration(), Logger: logger,
	})
	if err != nil {
		return nil, fmt.Errorf("inventory: producer: %w", err)
	}
	relay, err := outbox.NewRelay(outbox.RelayOptions{
		DB: gdb, Sender: producer, PollInterval: ic.RelayPollInterval.AsDuration(), Logger: logger,
	})
	if err != nil {
		return nil, fmt.Errorf("inventory: outbox relay: %w", err)
	}
	consumer, err := messaging.NewConsumer(messaging.ConsumerOptions{
		NameServers: mc.NameServers, Group: mc.Group,
		MaxReconsumeTimes: mc.MaxReconsumeTimes, Logger: logger,
	})
	if err != nil {
		return nil, fmt.Errorf("inventory: consumer: %w", err)
	}
	return &workerParts{producer: producer, relay: relay, consumer: consumer}, nil
}
