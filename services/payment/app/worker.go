package app

import (
	"context"

	"github.com/go-kratos/kratos/v2/log"
	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/worker"
	"github.com/sagashop/sagashop/services/payment/internal/conf"
)

// newWorkerParts creates the topics the service sends to (payment) and
// consumes from (order), and builds, without starting them, the producer,
// the outbox relay over it, and the consumer.
func newWorkerParts(ctx context.Context, mc *conf.Messaging, pc *conf.Payment, gdb *gorm.DB, logger log.Logger) (*worker.Parts, error) {
	return worker.New(ctx, worker.Options{
		Service: "payment", NameServers: mc.NameServers,
		Topics: []string{event.TopicPayment, event.TopicOrder}, TopicQueues: int(mc.TopicQueues),
		ProducerGroup: mc.ProducerGroup, ConsumerGroup: mc.Group,
		SendTimeout: mc.SendTimeout.AsDuration(), MaxReconsumeTimes: mc.MaxReconsumeTimes,
		DB: gdb, RelayPoll: pc.RelayPollInterval.AsDuration(), Logger: logger,
	})
}
