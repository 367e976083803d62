package broker

import (
	"encoding/binary"
	"strconv"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
)

// queueArgs reads the topic and queueId ext fields every offset call has.
func queueArgs(req *remoting.Command) (string, int32, *remoting.Command) {
	topic := req.Ext("topic")
	q, err := strconv.ParseInt(req.Ext("queueId"), 10, 32)
	if topic == "" || err != nil || q < 0 {
		return "", 0, remoting.Errorf(req, remoting.SystemError, "header fields topic=%q queueId=%q are invalid",
			topic, req.Ext("queueId"))
	}
	return topic, int32(q), nil
}

func offsetResponse(req *remoting.Command, offset int64) *remoting.Command {
	resp := remoting.NewResponse(req, remoting.Success, "")
	resp.ExtFields["offset"] = strconv.FormatInt(offset, 10)
	return resp
}

// queryConsumerOffset answers QUERY_CONSUMER_OFFSET. With no committed
// offset it applies Java's rule: a queue never truncated whose first
// message is still "in memory" starts at 0; otherwise QUERY_NOT_FOUND
// lets the client choose from its consumeFromWhere setting.
func (b *Broker) queryConsumerOffset(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	topic, q, bad := queueArgs(req)
	if bad != nil {
		return bad
	}
	group := req.Ext("consumerGroup")
	if off := b.offsets.query(group, topic, q); off >= 0 {
		return offsetResponse(req, off)
	}
	if b.store.MinOffset(topic, q) <= 0 && b.firstMessageInMemory(topic, q) {
		return offsetResponse(req, 0)
	}
	return remoting.Errorf(req, remoting.QueryNotFound, "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first")
}

// firstMessageInMemory reports whether the queue is empty or its message
// at offset 0 lies within InMemoryWindow bytes of the CommitLog's end.
func (b *Broker) firstMessageInMemory(topic string, q int32) bool {
	if b.opts.InMemoryWindow < 0 {
		return false
	}
	if b.store.MaxOffset(topic, q) == 0 {
		return true
	}
	res, err := b.store.GetMessages(topic, q, 0, 1, 1, 1, nil)
	if err != nil || len(res.Records) == 0 || len(res.Records[0]) < message.PosPhysicalOffset+8 {
		return false
	}
	phys := int64(binary.BigEndian.Uint64(res.Records[0][message.PosPhysicalOffset:]))
	return b.store.CommitLogMaxOffset()-phys <= b.opts.InMemoryWindow
}

// updateConsumerOffset handles UPDATE_CONSUMER_OFFSET. The Go client sends
// it as a "oneway" without the flag, so it is always answered.
func (b *Broker) updateConsumerOffset(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	topic, q, bad := queueArgs(req)
	if bad != nil {
		return bad
	}
	off, err := strconv.ParseInt(req.Ext("commitOffset"), 10, 64)
	group := req.Ext("consumerGroup")
	if err != nil || group == "" {
		return remoting.Errorf(req, remoting.SystemError, "header fields consumerGroup=%q commitOffset=%q are invalid",
			group, req.Ext("commitOffset"))
	}
	b.offsets.commit(group, topic, q, off)
	return remoting.NewResponse(req, remoting.Success, "")
}

// getMaxOffset answers GET_MAX_OFFSET: the next offset to be written. The
// client reads "offset" without checking the code, so it is always set.
func (b *Broker) getMaxOffset(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	topic, q, bad := queueArgs(req)
	if bad != nil {
		bad.ExtFields["offset"] = "0"
		return bad
	}
	return offsetResponse(req, b.store.MaxOffset(topic, q))
}

// getMinOffset answers GET_MIN_OFFSET.
func (b *Broker) getMinOffset(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	topic, q, bad := queueArgs(req)
	if bad != nil {
		bad.ExtFields["offset"] = "0"
		return bad
	}
	return offsetResponse(req, b.store.MinOffset(topic, q))
}

// searchOffsetByTimestamp answers SEARCH_OFFSET_BY_TIMESTAMP with the first
// offset stored at or after the timestamp.
func (b *Broker) searchOffsetByTimestamp(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	topic, q, bad := queueArgs(req)
	ts, err := strconv.ParseInt(req.Ext("timestamp"), 10, 64)
	if bad != nil || err != nil {
		resp := remoting.Errorf(req, remoting.SystemError, "header fields topic/queueId/timestamp are invalid")
		resp.ExtFields["offset"] = "-1"
		return resp
	}
	return offsetResponse(req, b.store.SearchOffset(topic, q, ts))
}

// getEarliestMsgStoreTime answers GET_EARLIEST_MSG_STORETIME.
func (b *Broker) getEarliestMsgStoreTime(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	topic, q, bad := queueArgs(req)
	if bad != nil {
		return bad
	}
	ts, err := b.store.StoreTime(topic, q, b.store.MinOffset(topic, q))
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	}
	resp := remoting.NewResponse(req, remoting.Success, "")
	resp.ExtFields["timestamp"] = strconv.FormatInt(ts, 10)
	return resp
}
