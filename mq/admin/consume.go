package admin

import (
	"context"
	"fmt"

	"github.com/sagashop/sagashop/mq/remoting"
)

// ToolsConsumerGroup is the consumer group pulls name unless told
// otherwise (Java MixAll.TOOLS_CONSUMER_GROUP, which mqadmin's
// consumeMessage uses).
const ToolsConsumerGroup = "TOOLS_CONSUMER"

// ConsumeOptions choose what ConsumeMessages reads.
type ConsumeOptions struct {
	// Group is the consumer group the pulls name and Commit writes;
	// default (empty) ToolsConsumerGroup.
	Group string
	// QueueID reads only the queue with this id (on every master); a
	// negative one reads every queue. DefaultConsumeOptions sets -1.
	QueueID int
	// Offset is where reading starts on each queue; a negative one starts
	// at each queue's min offset. DefaultConsumeOptions sets -1.
	Offset int64
	// Count stops reading after this many messages; 0 or less means no
	// limit. DefaultConsumeOptions sets 32.
	Count int
	// Expression is the tag expression; default (empty) "*".
	Expression string
	// Commit stores under Group, for each queue read, the position after
	// the last message returned (UPDATE_CONSUMER_OFFSET); default false.
	Commit bool
}

// DefaultConsumeOptions returns the defaults listed on ConsumeOptions.
func DefaultConsumeOptions() ConsumeOptions {
	return ConsumeOptions{Group: ToolsConsumerGroup, QueueID: -1, Offset: -1, Count: 32}
}

// ConsumeMessages reads messages of topic as they stand, from every read
// queue of every master in its route (brokers by name, queues by id, each
// in queue order), with pulls that do not wait for new messages.
func (c *Client) ConsumeMessages(ctx context.Context, topic string, opts ConsumeOptions) ([]Message, error) {
	brokers, err := c.topicMasters(ctx, topic)
	if err != nil {
		return nil, err
	}
	group := opts.Group
	if group == "" {
		group = ToolsConsumerGroup
	}
	var out []Message
	found := opts.QueueID < 0
	for _, b := range brokers {
		for q := range b.readQueues {
			if opts.QueueID >= 0 && q != opts.QueueID {
				continue
			}
			found = true
			if opts.Count > 0 && len(out) >= opts.Count {
				return out, nil
			}
			start := opts.Offset
			if start < 0 {
				if start, err = c.queueOffset(ctx, b.addr, remoting.GetMinOffset, topic, q); err != nil {
					return out, err
				}
			}
			req := PullRequest{Group: group, Topic: topic, QueueID: q, Offset: start, Expression: opts.Expression}
			next, err := c.walkQueue(ctx, b, req, func(m *Message) error {
				if opts.Count > 0 && len(out) >= opts.Count {
					return errStopWalk
				}
				out = append(out, *m)
				return nil
			})
			if err != nil {
				return out, err
			}
			if opts.Commit && next > start {
				if err := c.CommitOffset(ctx, b.addr, group, topic, q, next); err != nil {
					return out, err
				}
			}
		}
	}
	if !found {
		return nil, fmt.Errorf("admin: topic %s has no read queue %d on any master", topic, opts.QueueID)
	}
	return out, nil
}
