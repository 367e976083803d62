// Package worker builds the messaging side of a service that consumes
// saga events and announces its own through an outbox: the topics, the
// producer, the outbox relay that sends through it, and the consumer. The
// inventory and payment services are built this way; the order service
// adds a transaction producer of its own.
package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/messaging"
	"github.com/sagashop/sagashop/pkg/outbox"
)

// ErrBadOptions wraps every validation error of New.
var ErrBadOptions = errors.New("worker: bad options")

// Options configures New. Service names the service in errors.
type Options struct {
	Service     string
	NameServers []string
	// Topics are created (TopicQueues queues each) before anything starts.
	Topics      []string
	TopicQueues int
	// ProducerGroup and ConsumerGroup name the client groups.
	ProducerGroup, ConsumerGroup string
	SendTimeout                  time.Duration
	MaxReconsumeTimes            int32
	// DB holds outbox_events; RelayPoll is the relay's poll interval.
	DB        *gorm.DB
	RelayPoll time.Duration
	Logger    log.Logger
}

// Parts are the broker clients and the outbox relay, built but not
// started (the service's lifecycle starts and stops them).
type Parts struct {
	Producer *messaging.Producer
	Relay    *outbox.Relay
	Consumer *messaging.Consumer
}

// New creates o.Topics on the broker and builds the producer, the outbox
// relay over it, and the consumer.
func New(ctx context.Context, o Options) (*Parts, error) {
	if o.Service == "" || o.DB == nil || len(o.Topics) == 0 {
		return nil, fmt.Errorf("%w: Service, DB and Topics are required", ErrBadOptions)
	}
	if err := messaging.EnsureTopics(ctx, o.NameServers, o.Topics, o.TopicQueues); err != nil {
		return nil, fmt.Errorf("%s: topics %v: %w", o.Service, o.Topics, err)
	}
	producer, err := messaging.NewProducer(messaging.ProducerOptions{
		NameServers: o.NameServers, Group: o.ProducerGroup, SendTimeout: o.SendTimeout, Logger: o.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: producer: %w", o.Service, err)
	}
	relay, err := outbox.NewRelay(outbox.RelayOptions{
		DB: o.DB, Sender: producer, PollInterval: o.RelayPoll, Logger: o.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: outbox relay: %w", o.Service, err)
	}
	consumer, err := messaging.NewConsumer(messaging.ConsumerOptions{
		NameServers: o.NameServers, Group: o.ConsumerGroup, MaxReconsumeTimes: o.MaxReconsumeTimes, Logger: o.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: consumer: %w", o.Service, err)
	}
	return &Parts{Producer: producer, Relay: relay, Consumer: consumer}, nil
}
