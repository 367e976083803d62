package data

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-kratos/kratos/v2/log"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/messaging"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// TimeoutDelayLevel is the broker delay level of order:timeout; it must
// match the payment timeout (level 16 is 30m in the default table).
const TimeoutDelayLevel = 16

// TxSender sends transaction messages (messaging.TxProducer).
type TxSender interface {
	SendInTransaction(ctx context.Context, m messaging.Message, local func(ctx context.Context) error) error
}

// Sender sends messages (messaging.Producer).
type Sender interface {
	Send(ctx context.Context, m messaging.Message) error
}

// createdPublisher is the biz.CreatedPublisher over a transaction producer.
type createdPublisher struct {
	tx  TxSender
	log *log.Helper
}

// NewCreatedPublisher returns the publisher of order:created transaction
// messages.
func NewCreatedPublisher(tx TxSender, logger log.Logger) biz.CreatedPublisher {
	return &createdPublisher{tx: tx, log: helper(logger)}
}

// PublishWithLocal implements biz.CreatedPublisher. A broker failure before
// local ran is UNAVAILABLE; local's own error is returned as is; once local
// has committed the result is nil whatever happens to the commit message.
func (p *createdPublisher) PublishWithLocal(ctx context.Context, e event.Envelope, local func(ctx context.Context) error) error {
	m, err := messaging.EventMessage(e)
	if err != nil {
		return fmt.Errorf("data: %s: %w", e.EventID, err)
	}
	ran, committed := false, false
	var localErr error
	err = p.tx.SendInTransaction(ctx, m, func(ctx context.Context) error {
		ran = true
		localErr = local(ctx)
		committed = localErr == nil
		return localErr
	})
	switch {
	case committed:
		if err != nil {
			p.log.WithContext(ctx).Warnf("%s: order committed but the transaction message was not: "+
				"the broker's check-back will commit it: %v", e.EventID, err)
		}
		return nil
	case ran:
		return localErr
	}
	return v1.ErrorUnavailable("broker: cannot send %s", e.EventID).WithCause(err)
}

// timeoutScheduler is the biz.TimeoutScheduler over a producer.
type timeoutScheduler struct {
	sender Sender
}

// NewTimeoutScheduler returns the sender of order:timeout at delay level
// TimeoutDelayLevel.
func NewTimeoutScheduler(s Sender) biz.TimeoutScheduler {
	return &timeoutScheduler{sender: s}
}

// ScheduleTimeout implements biz.TimeoutScheduler.
func (s *timeoutScheduler) ScheduleTimeout(ctx context.Context, e event.Envelope) error {
	m, err := messaging.EventMessage(e)
	if err != nil {
		return fmt.Errorf("data: %s: %w", e.EventID, err)
	}
	m.DelayLevel = TimeoutDelayLevel
	if err := s.sender.Send(ctx, m); err != nil {
		return fmt.Errorf("data: schedule %s: %w", e.EventID, err)
	}
	return nil
}

// warmUpProperty marks the warm-up half message (see WarmUpTx).
const warmUpProperty = "SAGASHOP_WARMUP"

// errWarmUp rolls the warm-up half message back.
var errWarmUp = errors.New("data: warm-up transaction message, rolled back")

// WarmUpTx sends one transaction message to the order topic and rolls it
// back, so that a freshly started transaction producer learns the order
// topic's brokers and registers with them at its first heartbeat (1s after
// Start). Without it, a process restarted after a crash is not asked the
// check-back of its own pending half messages until it sends an order.
// Consumers never see a rolled-back message.
func WarmUpTx(ctx context.Context, tx TxSender) error {
	m := messaging.Message{
		Topic: event.TopicOrder, Tag: "warmup", Body: []byte(`{"warmup":true}`),
		Properties: map[string]string{warmUpProperty: "true"},
	}
	err := tx.SendInTransaction(ctx, m, func(context.Context) error { return errWarmUp })
	if errors.Is(err, errWarmUp) {
		return nil
	}
	return fmt.Errorf("data: warm up the transaction producer: %w", err)
}

// NewChecker returns the check-back of the order:created transaction
// messages: commit when the order row exists, rollback when it does not
// (its local transaction rolled back or never committed), unknown when the
// database cannot tell now. The order_sn comes from the body, else from
// the keys (event id, order_sn).
func NewChecker(orders biz.OrderRepo, logger log.Logger) messaging.Checker {
	h := helper(logger)
	return func(ctx context.Context, d messaging.Delivery) messaging.TxState {
		if d.Properties[warmUpProperty] != "" {
			return messaging.TxRollback
		}
		sn := orderSNOf(d)
		if sn == "" {
			h.Errorf("check-back of message %s without an order_sn (keys %q): rollback", d.MsgID, d.Keys)
			return messaging.TxRollback
		}
		ok, err := orders.Exists(ctx, sn)
		switch {
		case err != nil:
			h.Warnf("check-back of order %s: %v", sn, err)
			return messaging.TxUnknown
		case ok:
			h.Infof("check-back of order %s: committed", sn)
			return messaging.TxCommit
		}
		h.Infof("check-back of order %s: no such order, rollback", sn)
		return messaging.TxRollback
	}
}

// orderSNOf finds the order_sn of a delivery: the envelope's, else the key
// that is not an event id (event ids contain '/').
func orderSNOf(d messaging.Delivery) string {
	if e, err := event.Decode(d.Body); err == nil {
		return e.OrderSN
	}
	for _, k := range d.Keys {
		if k != "" && !strings.Contains(k, "/") {
			return k
		}
	}
	return ""
}

// helper returns a log helper for the data layer; a nil logger discards.
func helper(logger log.Logger) *log.Helper {
	if logger == nil {
		logger = log.NewStdLogger(io.Discard)
	}
	return log.NewHelper(log.With(logger, "module", "order/data"))
}
