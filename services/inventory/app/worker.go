package app

import (
	"context"

	"github.com/go-kratos/kratos/v2/log"
	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/worker"
	"github.com/sagashop/sagashop/services/inventory/internal/conf"
)

// newWorkerParts creates the topics the service sends to (stock) and
// consumes from (order), and builds, without starting them, the producer,
// the outbox relay over it, and the consumer.
func newWorkerParts(ctx context.Context, mc *conf.Messaging, ic *conf.Inventory, gdb *gorm.DB, logger log.Logger) (*worker.Parts, error) {
	return worker.New(ctx, worker.Options{
		Service: "inventory", NameServers: mc.NameServers,
		Topics: []string{event.TopicStock, event.TopicOrder}, TopicQueues: int(mc.TopicQueues),
		ProducerGroup: mc.ProducerGroup, ConsumerGroup: mc.Group,
		SendTimeout: mc.SendTimeout.AsDuration(), MaxReconsumeTimes: mc.MaxReconsumeTimes,
		DB: gdb, RelayPoll: ic.RelayPollInterval.AsDuration(), Logger: logger,
	})
}
