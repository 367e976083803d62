package admin

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/sagashop/sagashop/mq/remoting"
)

// PullSysFlag bits (Java PullSysFlag).
const (
	pullSubscription = 1 << 2
)

// maxPullBatch is how many messages one pull asks for (the broker's cap).
const maxPullBatch = 32

// PullRequest is one PULL_MESSAGE.
type PullRequest struct {
	// Group is the consumer group the pull names; required.
	Group string
	// Topic and QueueID name the queue; Offset is where to read from.
	Topic   string
	QueueID int
	Offset  int64
	// MaxMsgs is how many messages to return at most; default (0) 32.
	MaxMsgs int
	// Expression is the tag expression; default (empty) "*".
	Expression string
}

// PullResult is a pull's reply.
type PullResult struct {
	// Status is SUCCESS (with messages), PULL_NOT_FOUND (nothing at
	// Offset), PULL_RETRY_IMMEDIATELY (nothing matched the expression)
	// or PULL_OFFSET_MOVED (Offset is outside the queue).
	Status remoting.ResponseCode
	// NextBeginOffset is where the next pull should start.
	NextBeginOffset int64
	MinOffset       int64
	MaxOffset       int64
	Messages        []Message
}

// Pull reads messages from one queue of the broker at addr (PULL_MESSAGE,
// code 11) without long polling: the broker answers at once, also when it
// has nothing. The subscription goes with the request, so the group needs
// no heartbeat. No offset is committed. Replies other than the four
// statuses of PullResult are errors wrapping *remoting.ResponseError.
func (c *Client) Pull(ctx context.Context, addr string, r PullRequest) (PullResult, error) {
	var res PullResult
	maxMsgs, expr := r.MaxMsgs, r.Expression
	if maxMsgs <= 0 {
		maxMsgs = maxPullBatch
	}
	if expr == "" {
		expr = "*"
	}
	ext := map[string]string{
		"consumerGroup": r.Group, "topic": r.Topic, "queueId": strconv.Itoa(r.QueueID),
		"queueOffset": strconv.FormatInt(r.Offset, 10), "maxMsgNums": strconv.Itoa(maxMsgs),
		"sysFlag": strconv.Itoa(pullSubscription), "commitOffset": "0", "suspendTimeoutMillis": "0",
		"subscription": expr, "subVersion": "0", "expressionType": "TAG",
	}
	resp, err := c.call(ctx, addr, remoting.NewRequest(remoting.PullMessage, ext, nil))
	if err != nil {
		return res, err
	}
	res.Status = remoting.ResponseCode(resp.Code)
	switch res.Status {
	case remoting.Success, remoting.PullNotFound, remoting.PullRetryImmediately, remoting.PullOffsetMoved:
	default:
		return res, fmt.Errorf("admin: pull %s:%d@%d from %s: %w", r.Topic, r.QueueID, r.Offset, addr, resp.Err())
	}
	var errs []error
	num := func(key string) int64 {
		n, err := strconv.ParseInt(resp.Ext(key), 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q", key, resp.Ext(key)))
		}
		return n
	}
	res.NextBeginOffset, res.MinOffset, res.MaxOffset = num("nextBeginOffset"), num("minOffset"), num("maxOffset")
	if len(errs) > 0 {
		return res, fmt.Errorf("admin: pull %s:%d@%d from %s: %w in reply: %w", r.Topic, r.QueueID, r.Offset, addr,
			remoting.ErrBadHeader, errors.Join(errs...))
	}
	if res.Status == remoting.Success {
		if res.Messages, err = decodeMessages(resp.Body, ""); err != nil {
			return res, err
		}
	}
	return res, nil
}

// queueOffset asks a broker for a queue offset: GET_MIN_OFFSET or
// GET_MAX_OFFSET.
func (c *Client) queueOffset(ctx context.Context, addr string, code remoting.RequestCode, topic string, queueID int) (int64, error) {
	resp, err := c.invoke(ctx, addr, remoting.NewRequest(code, map[string]string{
		"topic": topic, "queueId": strconv.Itoa(queueID)}, nil))
	if err != nil {
		return 0, err
	}
	off, err := strconv.ParseInt(resp.Ext("offset"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("admin: %s of %s:%d from %s: offset=%q: %w", code, topic, queueID, addr, resp.Ext("offset"), err)
	}
	return off, nil
}

// CommitOffset stores a consumer group's position on one queue of the
// broker at addr: the offset of the next message to consume
// (UPDATE_CONSUMER_OFFSET, code 15).
func (c *Client) CommitOffset(ctx context.Context, addr, group, topic string, queueID int, offset int64) error {
	_, err := c.invoke(ctx, addr, remoting.NewRequest(remoting.UpdateConsumerOffset, map[string]string{
		"consumerGroup": group, "topic": topic, "queueId": strconv.Itoa(queueID),
		"commitOffset": strconv.FormatInt(offset, 10)}, nil))
	return err
}

// committedOffset returns a group's stored position on a queue
// (QUERY_CONSUMER_OFFSET, code 14), or -1 when the broker has none.
func (c *Client) committedOffset(ctx context.Context, addr, group, topic string, queueID int) (int64, error) {
	resp, err := c.invoke(ctx, addr, remoting.NewRequest(remoting.QueryConsumerOffset, map[string]string{
		"consumerGroup": group, "topic": topic, "queueId": strconv.Itoa(queueID)}, nil))
	var re *remoting.ResponseError
	if errors.As(err, &re) && re.Code == remoting.QueryNotFound {
		return -1, nil
	}
	if err != nil {
		return 0, err
	}
	off, err := strconv.ParseInt(resp.Ext("offset"), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("admin: %s of %s for %s:%d from %s: offset=%q: %w",
			remoting.QueryConsumerOffset, group, topic, queueID, addr, resp.Ext("offset"), err)
	}
	return off, nil
}

// errStopWalk ends walkQueue early without an error.
var errStopWalk = errors.New("admin: stop walking the queue")

// walkQueue pulls one queue from offset on and calls fn with each
// message in queue order until the queue has no more, fn returns
// errStopWalk (before handling its message) or an error. It returns the
// offset after the last message fn handled and the filtered ones before
// it, i.e. the position to commit.
func (c *Client) walkQueue(ctx context.Context, b brokerRef, req PullRequest, fn func(*Message) error) (int64, error) {
	off := req.Offset
	for {
		req.Offset = off
		res, err := c.Pull(ctx, b.addr, req)
		if err != nil {
			return off, err
		}
		switch res.Status {
		case remoting.Success:
			if len(res.Messages) == 0 {
				return off, nil
			}
			for i := range res.Messages {
				m := &res.Messages[i]
				m.BrokerName = b.name
				if err := fn(m); err != nil {
					if errors.Is(err, errStopWalk) {
						err = nil
					}
					return off, err
				}
				off = m.QueueOffset + 1
			}
			off = max(off, res.NextBeginOffset)
		case remoting.PullNotFound:
			return off, nil
		default:
			// Filtered entries and an offset below the queue's minimum move
			// the position forward; an offset past the end does not.
			if res.NextBeginOffset <= off {
				return off, nil
			}
			off = res.NextBeginOffset
		}
	}
}
