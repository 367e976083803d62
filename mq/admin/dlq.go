package admin

import (
	"context"
	"errors"
	"fmt"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// RedriveGroupSuffix is appended to a consumer group's name to make the
// group under which RedriveDLQ keeps its position in the group's DLQ.
const RedriveGroupSuffix = "_REDRIVE"

// redriveDropped are the properties the broker and the clients add on the
// way to the DLQ, or that only mean something to the copy that carries
// them; a redriven message goes without them.
var redriveDropped = []string{
	message.PropRealTopic, message.PropRealQueueID, message.PropDelayLevel, message.PropRetryTopic,
	message.PropOriginMessageID, message.PropCluster, "MIN_OFFSET", "MAX_OFFSET", message.PropTransactionPrepared,
	message.PropProducerGroup, message.PropTransactionCheckN, message.PropTranPreparedQOffset,
	message.PropCheckImmunitySecs, "__transactionId__", message.PropMsgRegion, message.PropTraceSwitch,
	"CONSUME_START_TIME", "RECONSUME_TIME", message.PropMaxReconsumeTimes, message.PropWaitStoreMsgOK,
}

// QueryDLQ returns up to count messages (0 or less: all) of group's
// dead-letter queue %DLQ%<group>, each queue from its min offset. A group
// without a DLQ has none.
func (c *Client) QueryDLQ(ctx context.Context, group string, count int) ([]Message, error) {
	if err := route.ValidateGroup(group); err != nil {
		return nil, fmt.Errorf("admin: query DLQ: %w", err)
	}
	opts := DefaultConsumeOptions()
	opts.Count = count
	msgs, err := c.ConsumeMessages(ctx, route.DLQTopic(group), opts)
	if errors.Is(err, ErrTopicNotFound) {
		return nil, nil
	}
	return msgs, err
}

// RedriveOptions choose what RedriveDLQ sends.
type RedriveOptions struct {
	// Topic, when set, sends only messages whose original topic it is;
	// the others are passed over (see RedriveDLQ). Default "": all.
	Topic string
	// Max stops after this many sends; 0 or less means no limit. Default 0.
	Max int
	// OnMessage, when set, is called in the calling goroutine with each
	// message as soon as it was handled. Default nil.
	OnMessage func(RedrivenMessage)
}

// SkipReason says why RedriveDLQ passed a message over.
type SkipReason string

// Reasons to pass a message over.
const (
	// NotSkipped marks a message that was sent.
	NotSkipped SkipReason = ""
	// SkipNoRetryTopic: the message does not say where it came from.
	SkipNoRetryTopic SkipReason = "no RETRY_TOPIC property"
	// SkipOtherTopic: its original topic is not RedriveOptions.Topic.
	SkipOtherTopic SkipReason = "original topic not selected"
)

// RedrivenMessage is one DLQ message RedriveDLQ handled.
type RedrivenMessage struct {
	// DLQ is the message as the DLQ holds it.
	DLQ Message
	// Topic is its original topic (RETRY_TOPIC), "" when it has none.
	Topic string
	// Skipped says why it was not sent; NotSkipped when it was.
	Skipped SkipReason
	// Sent is the send's result when it was sent.
	Sent SendResult
}

// RedriveResult sums a RedriveDLQ run up.
type RedriveResult struct {
	// Messages are the messages handled, in order.
	Messages []RedrivenMessage
	// Redriven and Skipped count the messages sent and passed over.
	Redriven int
	Skipped  int
}

// RedriveDLQ sends the messages of group's dead-letter queue back to
// their original topics, from where the last run stopped: body, flag,
// KEYS, TAGS, UNIQ_KEY (so consumers that deduplicate recognise the
// message) and user properties go along, the broker's bookkeeping
// (redriveDropped) does not, and the copy starts again with reconsume
// times 0. Messages without RETRY_TOPIC are passed over.
//
// After each message the position of the DLQ queue is committed under the
// consumer group group+RedriveGroupSuffix (UPDATE_CONSUMER_OFFSET), so a
// second run never sends a message twice. Only a send whose reply was
// lost (a timeout) or a commit that failed after a send can make the next
// run send that message again; the copy keeps its UNIQ_KEY, so consumers
// that deduplicate drop it. The position is one per queue, so messages
// passed over, also by opts.Topic, stay behind it for good: they remain
// in the DLQ for QueryDLQ and ConsumeMessages. A group without a DLQ gives
// an empty result.
//
// The result holds what was done also when an error stopped the run.
func (c *Client) RedriveDLQ(ctx context.Context, group string, opts RedriveOptions) (RedriveResult, error) {
	var res RedriveResult
	if err := route.ValidateGroup(group); err != nil {
		return res, fmt.Errorf("admin: redrive DLQ: %w", err)
	}
	dlq, progress := route.DLQTopic(group), group+RedriveGroupSuffix
	if err := route.ValidateGroup(progress); err != nil {
		return res, fmt.Errorf("admin: redrive DLQ: %w", err)
	}
	brokers, err := c.topicMasters(ctx, dlq)
	if errors.Is(err, ErrTopicNotFound) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	for _, b := range brokers {
		for q := range b.readQueues {
			if opts.Max > 0 && res.Redriven >= opts.Max {
				return res, nil
			}
			start, err := c.committedOffset(ctx, b.addr, progress, dlq, q)
			if err == nil && start < 0 {
				start, err = c.queueOffset(ctx, b.addr, remoting.GetMinOffset, dlq, q)
			}
			if err != nil {
				return res, err
			}
			req := PullRequest{Group: progress, Topic: dlq, QueueID: q, Offset: start}
			_, err = c.walkQueue(ctx, b, req, func(m *Message) error {
				if opts.Max > 0 && res.Redriven >= opts.Max {
					return errStopWalk
				}
				rm, err := c.redriveOne(ctx, m, opts.Topic)
				if err != nil {
					return err
				}
				res.Messages = append(res.Messages, rm)
				if rm.Skipped == NotSkipped {
					res.Redriven++
				} else {
					res.Skipped++
				}
				if opts.OnMessage != nil {
					opts.OnMessage(rm)
				}
				if err := c.CommitOffset(ctx, b.addr, progress, dlq, q, m.QueueOffset+1); err != nil {
					return fmt.Errorf("admin: redrive DLQ: %s was handled but its position %d is not saved and the next run handles it again: %w",
						m.MsgID(), m.QueueOffset+1, err)
				}
				return nil
			})
			if err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// redriveOne sends one DLQ message back to its original topic, or says
// why not.
func (c *Client) redriveOne(ctx context.Context, m *Message, only string) (RedrivenMessage, error) {
	rm := RedrivenMessage{DLQ: *m, Topic: m.Property(message.PropRetryTopic)}
	switch {
	case rm.Topic == "":
		rm.Skipped = SkipNoRetryTopic
		return rm, nil
	case only != "" && rm.Topic != only:
		rm.Skipped = SkipOtherTopic
		return rm, nil
	}
	props := message.ParseProperties(m.Properties)
	for _, k := range redriveDropped {
		delete(props, k)
	}
	delete(props, "") // a malformed segment; sending it would be refused
	out := OutgoingMessage{Topic: rm.Topic, Body: m.Body, Flag: m.Flag, Compressed: m.Compressed(), Properties: props}
	opts := DefaultSendOptions()
	opts.AutoCreate = false // a topic deleted since is not brought back
	sent, err := c.SendMessage(ctx, out, opts)
	if err != nil {
		return rm, fmt.Errorf("admin: redrive %s (DLQ offset %d) to %s: %w", m.MsgID(), m.QueueOffset, rm.Topic, err)
	}
	rm.Sent = sent
	return rm, nil
}
