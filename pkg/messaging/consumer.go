package messaging

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/go-kratos/kratos/v2/log"
	"github.com/sagashop/sagashop/mq/route"
)

// Handler processes one delivery. nil acknowledges it; an error (or a
// panic) asks for a redelivery later, with the broker's growing backoff,
// up to MaxReconsumeTimes, then the message goes to the group's
// dead-letter queue. Deliveries are at least once: handlers deduplicate.
// Handlers run concurrently (up to Goroutines per topic) and in no
// particular order.
type Handler func(ctx context.Context, d Delivery) error

// Consumer is one push consumer group (clustering mode) with a Handler per
// subscribed topic. Its methods are safe for concurrent use.
type Consumer struct {
	opts   ConsumerOptions
	log    *log.Helper
	client rocketmq.PushConsumer
	life   lifecycle
	topics map[string]bool // subscribed; guarded by life.mu

	mu       sync.Mutex     // guards closing and the Add of inflight
	closing  bool           // set by Shutdown: no handler starts any more
	inflight sync.WaitGroup // handlers running
	stopped  chan struct{}  // closed when the client has shut down
}

// NewConsumer returns a Consumer with no subscription, not started.
func NewConsumer(o ConsumerOptions) (*Consumer, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	ns, err := newNsResolver(o.NameServers)
	if err != nil {
		return nil, err
	}
	c, err := rocketmq.NewPushConsumer(
		consumer.WithNsResolver(ns),
		consumer.WithGroupName(o.Group),
		consumer.WithInstance(o.InstanceName),
		consumer.WithConsumerModel(consumer.Clustering),
		consumer.WithConsumeMessageBatchMaxSize(1),
		consumer.WithMaxReconsumeTimes(o.MaxReconsumeTimes),
		consumer.WithConsumeGoroutineNums(o.Goroutines),
	)
	if err != nil {
		return nil, fmt.Errorf("messaging: consumer %s: %w", o.Group, err)
	}
	return newConsumer(o, c), nil
}

// newConsumer returns a Consumer over client.
func newConsumer(o ConsumerOptions, client rocketmq.PushConsumer) *Consumer {
	return &Consumer{
		opts:    o,
		log:     helper(o.Logger, "messaging/consumer"),
		client:  client,
		topics:  map[string]bool{},
		stopped: make(chan struct{}),
	}
}

// Subscribe routes the messages of topic whose tag matches tagExpr ("*"
// or "" for all, or tags joined by "||") to h. Call it before Start, once
// per topic.
func (c *Consumer) Subscribe(topic, tagExpr string, h Handler) error {
	c.life.mu.Lock()
	defer c.life.mu.Unlock()
	switch {
	case c.life.state != stateNew:
		return fmt.Errorf("%w: %s: subscribe after Start or Shutdown", ErrSubscription, topic)
	case h == nil:
		return fmt.Errorf("%w: %s: no handler", ErrSubscription, topic)
	case c.topics[topic]:
		return fmt.Errorf("%w: %s subscribed twice", ErrSubscription, topic)
	}
	if err := route.ValidateTopic(topic); err != nil {
		return fmt.Errorf("%w: %w", ErrSubscription, err)
	}
	if strings.TrimSpace(tagExpr) == "" {
		tagExpr = "*"
	}
	sel := consumer.MessageSelector{Type: consumer.TAG, Expression: tagExpr}
	if err := c.client.Subscribe(topic, sel, c.callback(h)); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrSubscription, topic, err)
	}
	c.topics[topic] = true
	return nil
}

// Start starts pulling. Every subscribed topic must exist (EnsureTopics).
// Calling it again is a no-op; after Shutdown, or after a failed Start,
// it fails with ErrShutdown.
func (c *Consumer) Start() error {
	return c.life.start("consumer "+c.opts.Group, func() error {
		if len(c.topics) == 0 {
			return fmt.Errorf("%w: consumer %s has no subscription", ErrSubscription, c.opts.Group)
		}
		// On failure the client has shut itself down if it got far
		// enough to need it; shutting it down again could crash it.
		if err := c.client.Start(); err != nil {
			close(c.stopped)
			return fmt.Errorf("messaging: start consumer %s: %w", c.opts.Group, err)
		}
		return nil
	})
}

// Shutdown stops pulling, waits for the handlers that are running, then
// shuts the client down, which commits the consumed offsets. Messages that
// were pulled but whose handler had not started are neither acknowledged
// nor retried: they are delivered again, as are messages whose handler
// finished while the offsets were being committed. It is safe to call
// more than once.
func (c *Consumer) Shutdown() error {
	return c.life.shutdown(func(started bool) error {
		if !started {
			// A client never started must not be shut down (v2.1.2
			// dereferences state it only makes in Start).
			return nil
		}
		c.mu.Lock()
		c.closing = true
		c.mu.Unlock()
		c.client.Suspend()
		c.inflight.Wait()
		// The client's Shutdown commits offsets to each broker and has
		// no deadline: with a broker down it blocks for good. Past
		// ShutdownTimeout it is left behind (the process is on its way
		// out) and the offsets not committed are redelivered later, which
		// the handlers' dedup absorbs.
		done := make(chan error, 1)
		go func() { done <- c.client.Shutdown() }()
		var err error
		select {
		case err = <-done:
		case <-time.After(c.opts.ShutdownTimeout):
			err = fmt.Errorf("%w: the client did not close within %s", ErrShutdownTimeout, c.opts.ShutdownTimeout)
		}
		close(c.stopped)
		if err != nil {
			return fmt.Errorf("messaging: shut down consumer %s: %w", c.opts.Group, err)
		}
		return nil
	})
}

// callback adapts h to the client: one message per call (batch size 1).
func (c *Consumer) callback(h Handler) func(context.Context, ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
	return func(ctx context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		if !c.enter() {
			// Shutting down: hold the message until the client has
			// dropped its queues, so that the result is ignored and the
			// message is neither acknowledged nor sent back.
			<-c.stopped
			return consumer.ConsumeRetryLater, nil
		}
		defer c.inflight.Done()
		for _, me := range msgs {
			d := fromExt(me)
			if err := c.handle(ctx, h, d); err != nil {
				c.log.Warnw("msg", "handler failed, retry later", "topic", d.Topic, "tag", d.Tag, "keys", d.Keys,
					"msg_id", d.MsgID, "reconsume_times", d.ReconsumeTimes, "err", err)
				return consumer.ConsumeRetryLater, nil
			}
		}
		return consumer.ConsumeSuccess, nil
	}
}

// enter registers a running handler unless Shutdown has begun.
func (c *Consumer) enter() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return false
	}
	c.inflight.Add(1)
	return true
}

// handle runs h, turning a panic into an error wrapping ErrHandlerPanic.
func (c *Consumer) handle(ctx context.Context, h Handler, d Delivery) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v\n%s", ErrHandlerPanic, r, debug.Stack())
			c.log.Errorw("msg", "handler panicked", "topic", d.Topic, "msg_id", d.MsgID, "err", err)
		}
	}()
	return h(ctx, d)
}
