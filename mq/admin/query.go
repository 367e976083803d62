package admin

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
)

// uniqueKeyQuery marks a QUERY_MESSAGE whose key is a UNIQ_KEY (Java
// MixAll.UNIQUE_MSG_QUERY_FLAG).
const uniqueKeyQuery = "_UNIQUE_KEY_QUERY"

// ViewMessage returns the message an offset message id names, asking the
// broker whose address is inside the id (VIEW_MESSAGE_BY_ID, code 33). A
// string that is not an offset id gives an error wrapping ErrBadMsgID.
func (c *Client) ViewMessage(ctx context.Context, offsetMsgID string) (Message, error) {
	host, off, err := ParseOffsetMsgID(offsetMsgID)
	if err != nil {
		return Message{}, err
	}
	resp, err := c.invoke(ctx, host.String(), remoting.NewRequest(remoting.ViewMessageByID,
		map[string]string{"offset": strconv.FormatInt(off, 10)}, nil))
	if err != nil {
		return Message{}, err
	}
	msgs, err := decodeMessages(resp.Body, "")
	if err != nil {
		return Message{}, err
	}
	if len(msgs) != 1 {
		return Message{}, fmt.Errorf("admin: view message %s: the reply holds %d records, want 1", offsetMsgID, len(msgs))
	}
	return msgs[0], nil
}

// QueryOptions bound a query by key.
type QueryOptions struct {
	// Begin is the earliest store time in Unix milliseconds; default 0.
	Begin int64
	// End is the latest store time in Unix milliseconds; default (0) no
	// limit.
	End int64
	// MaxNum is how many records each broker returns at most; default
	// (0) 64, as mqadmin asks.
	MaxNum int
}

// QueryMessageByKey returns the messages of topic that carry key among
// their KEYS, from every master in the topic's route (QUERY_MESSAGE, code
// 12), newest first. The brokers' index also matches UNIQ_KEYs and may
// collide on hashes; such records are left out, as Java's
// MQAdminImpl.queryMessage does. No match gives an empty list.
func (c *Client) QueryMessageByKey(ctx context.Context, topic, key string, opts QueryOptions) ([]Message, error) {
	msgs, err := c.queryMessage(ctx, topic, key, false, opts)
	if err != nil {
		return nil, err
	}
	kept := msgs[:0]
	for _, m := range msgs {
		if m.Topic == topic && m.HasKey(key) {
			kept = append(kept, m)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].StoreTimestamp > kept[j].StoreTimestamp })
	return kept, nil
}

// QueryMessageByUniqueKey returns the message of topic whose UNIQ_KEY is
// key: of several copies (a producer retry stores one twice), the
// earliest stored. None gives an error wrapping ErrMessageNotFound.
func (c *Client) QueryMessageByUniqueKey(ctx context.Context, topic, uniqKey string) (Message, error) {
	msgs, err := c.queryMessage(ctx, topic, uniqKey, true, QueryOptions{})
	if err != nil {
		return Message{}, err
	}
	var found *Message
	for i := range msgs {
		m := &msgs[i]
		if m.Topic != topic || m.Property(message.PropUniqKey) != uniqKey {
			continue
		}
		if found == nil || m.StoreTimestamp < found.StoreTimestamp {
			found = m
		}
	}
	if found == nil {
		return Message{}, fmt.Errorf("%w: topic %s has no message with UNIQ_KEY %s", ErrMessageNotFound, topic, uniqKey)
	}
	return *found, nil
}

// queryMessage sends QUERY_MESSAGE to every master of topic's route and
// concatenates what they hold; QUERY_NOT_FOUND counts as nothing.
func (c *Client) queryMessage(ctx context.Context, topic, key string, unique bool, opts QueryOptions) ([]Message, error) {
	if key == "" {
		return nil, fmt.Errorf("admin: query %s: empty key", topic)
	}
	brokers, err := c.topicMasters(ctx, topic)
	if err != nil {
		return nil, err
	}
	maxNum, end := opts.MaxNum, opts.End
	if maxNum <= 0 {
		maxNum = 64
	}
	if end <= 0 {
		end = math.MaxInt64
	}
	ext := map[string]string{
		"topic": topic, "key": key, "maxNum": strconv.Itoa(maxNum),
		"beginTimestamp": strconv.FormatInt(opts.Begin, 10), "endTimestamp": strconv.FormatInt(end, 10),
	}
	if unique {
		ext[uniqueKeyQuery] = "true"
	}
	var out []Message
	for _, b := range brokers {
		resp, err := c.invoke(ctx, b.addr, remoting.NewRequest(remoting.QueryMessage, copyExt(ext), nil))
		var re *remoting.ResponseError
		if errors.As(err, &re) && re.Code == remoting.QueryNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		msgs, err := decodeMessages(resp.Body, b.name)
		if err != nil {
			return nil, err
		}
		out = append(out, msgs...)
	}
	return out, nil
}
