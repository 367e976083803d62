package messaging

import (
	"context"
	"fmt"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/go-kratos/kratos/v2/log"
)

// Producer sends messages synchronously. It is safe for concurrent use.
type Producer struct {
	opts   ProducerOptions
	log    *log.Helper
	client rocketmq.Producer
	life   lifecycle
}

// NewProducer returns a Producer that is not started yet.
func NewProducer(o ProducerOptions) (*Producer, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	copts, err := clientOptions(o)
	if err != nil {
		return nil, err
	}
	c, err := rocketmq.NewProducer(copts...)
	if err != nil {
		return nil, fmt.Errorf("messaging: producer %s: %w", o.Group, err)
	}
	return &Producer{opts: o, log: helper(o.Logger, "messaging/producer"), client: c}, nil
}

// clientOptions maps o onto the client's producer options.
func clientOptions(o ProducerOptions) ([]producer.Option, error) {
	ns, err := newNsResolver(o.NameServers)
	if err != nil {
		return nil, err
	}
	return []producer.Option{
		producer.WithNsResolver(ns),
		producer.WithGroupName(o.Group),
		producer.WithInstanceName(o.InstanceName),
		producer.WithSendMsgTimeout(o.SendTimeout),
		producer.WithRetry(o.Retries),
	}, nil
}

// Start connects the producer. Calling it again is a no-op; after
// Shutdown it fails with ErrShutdown.
func (p *Producer) Start() error {
	return p.life.start("producer "+p.opts.Group, func() error {
		if err := p.client.Start(); err != nil {
			return fmt.Errorf("messaging: start producer %s: %w", p.opts.Group, err)
		}
		return nil
	})
}

// Send sends m and waits for the broker: nil means it stored m with
// SEND_OK. Any other outcome is an error wrapping ErrSendFailed (and the
// client's error), or ErrInvalidMessage, ErrNotStarted or ErrShutdown. The
// send, retries included, is bounded by ctx and SendTimeout.
func (p *Producer) Send(ctx context.Context, m Message) error {
	if err := p.life.usable("producer " + p.opts.Group); err != nil {
		return err
	}
	pm, err := m.toPrimitive()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, p.opts.SendTimeout)
	defer cancel()
	res, err := p.client.SendSync(ctx, pm)
	if err != nil {
		return fmt.Errorf("%w: %s tag %q keys %q: %w", ErrSendFailed, m.Topic, m.Tag, m.Keys, err)
	}
	if res.Status != primitive.SendOK {
		return fmt.Errorf("%w: %s tag %q keys %q: status %s", ErrSendFailed, m.Topic, m.Tag, m.Keys, sendStatus(res.Status))
	}
	return nil
}

// Shutdown closes the producer's client. Sends in progress may fail. It is
// safe to call more than once.
func (p *Producer) Shutdown() error {
	return p.life.shutdown(func(bool) error {
		// The client's Shutdown releases its instance even when it was
		// never started.
		if err := p.client.Shutdown(); err != nil {
			return fmt.Errorf("messaging: shut down producer %s: %w", p.opts.Group, err)
		}
		return nil
	})
}
