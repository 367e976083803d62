package broker

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/sagashop/sagashop/mq/conf"
	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
	"github.com/sagashop/sagashop/mq/store"
)

const msgRegion = "DefaultRegion"

// sendMessage handles SEND_MESSAGE, SEND_MESSAGE_V2 and
// SEND_BATCH_MESSAGE. Under SYNC_FLUSH the reply waits for the fsync that
// covers the message (group commit) unless the message says WAIT=false.
func (b *Broker) sendMessage(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	h, err := parseSendHeader(req)
	if err != nil {
		return remoting.Errorf(req, remoting.MessageIllegal, "%v", err)
	}
	tc, resp := b.topicForSend(req, h)
	if resp != nil {
		return resp
	}
	if strings.Contains(h.properties, message.PropReplyToClient) {
		if id, ok := message.Property(h.properties, message.PropReplyToClient); ok && id != "" {
			b.clients.noteRequester(c, id)
		}
	}
	queueID := h.queueID
	if queueID < 0 {
		queueID = rand.Int32N(int32(tc.WriteQueueNums))
	}
	if int(queueID) >= tc.WriteQueueNums {
		return remoting.Errorf(req, remoting.SystemError, "request queueId[%d] is illegal, topic %s has %d write queues",
			queueID, h.topic, tc.WriteQueueNums)
	}
	if len(req.Body) > b.cfg.MaxMessageSize {
		return remoting.Errorf(req, remoting.MessageIllegal, "message body of %d bytes is larger than maxMessageSize %d",
			len(req.Body), b.cfg.MaxMessageSize)
	}
	batch := remoting.RequestCode(req.Code) == remoting.SendBatchMessage || h.batch
	entries, err := b.buildEntries(c, h, queueID, req.Body, batch)
	if err != nil {
		return remoting.Errorf(req, remoting.MessageIllegal, "%v", err)
	}
	if !batch {
		if resp := b.divert(req, &entries[0], h); resp != nil {
			return resp
		}
	}
	res, err := b.store.Put(entries)
	if err != nil {
		return putError(req, err)
	}
	resp = remoting.NewResponse(req, remoting.Success, "")
	resp.ExtFields = map[string]string{
		"msgId":       b.msgIDs(res),
		"queueId":     strconv.Itoa(int(queueID)),
		"queueOffset": strconv.FormatInt(res.QueueOffset, 10),
		"MSG_REGION":  msgRegion,
		"TRACE_ON":    "true",
	}
	if b.cfg.FlushDiskType == conf.SyncFlush && waitStore(h.properties) {
		b.store.OnDurable(res.EndOffset, func(err error) {
			if err != nil {
				resp.Code, resp.Remark = int16(remoting.FlushDiskTimeout), err.Error()
			}
			_ = c.Send(resp)
		})
		return nil
	}
	return resp
}

// divert sends a prepared message to the half topic, a delayed one to the
// schedule topic, and a retry message past its limit to the DLQ.
func (b *Broker) divert(req *remoting.Command, e *store.Entry, h sendHeader) *remoting.Command {
	if b.trans.divertHalf(e.Msg) {
		return nil
	}
	if route.IsRetryTopic(h.topic) && h.maxReconsumeTimes > 0 && h.reconsumeTimes >= h.maxReconsumeTimes {
		group := strings.TrimPrefix(h.topic, route.RetryGroupPrefix)
		tc, err := b.ensureTopic(route.DLQTopic(group), 1, route.PermRead|route.PermWrite)
		if err != nil {
			return remoting.Errorf(req, remoting.SystemError, "%v", err)
		}
		e.Msg.Topic, e.Msg.QueueID = tc.TopicName, 0
		return nil
	}
	code, parked, err := b.sched.divert(e.Msg, b.now())
	if err != nil {
		return remoting.Errorf(req, remoting.MessageIllegal, "%v", err)
	}
	if parked {
		e.TagsCode = code
	}
	return nil
}

// waitStore reports whether the producer wants the reply after the flush
// (the WAIT property, true unless "false").
func waitStore(props string) bool {
	v, ok := message.Property(props, message.PropWaitStoreMsgOK)
	return !ok || v != "false"
}

func putError(req *remoting.Command, err error) *remoting.Command {
	switch {
	case errors.Is(err, store.ErrDiskFull):
		return remoting.Errorf(req, remoting.ServiceNotAvailable, "service not available now: %v", err)
	case errors.Is(err, store.ErrMessageTooLarge):
		return remoting.Errorf(req, remoting.MessageIllegal, "%v", err)
	case errors.Is(err, store.ErrClosed):
		return remoting.Errorf(req, remoting.ServiceNotAvailable, "broker is shutting down")
	}
	return remoting.Errorf(req, remoting.SystemError, "store: %v", err)
}

// topicForSend returns the topic to store into, auto-creating it through
// the default topic as Java's TopicConfigManager does, or an error reply.
func (b *Broker) topicForSend(req *remoting.Command, h sendHeader) (route.TopicConfig, *remoting.Command) {
	if err := route.ValidateTopic(h.topic); err != nil {
		return route.TopicConfig{}, remoting.Errorf(req, remoting.MessageIllegal, "%v", err)
	}
	if route.IsSystemTopic(h.topic) {
		return route.TopicConfig{}, remoting.Errorf(req, remoting.MessageIllegal,
			"the topic %s is a system topic and cannot be sent to", h.topic)
	}
	tc, ok := b.topics.get(h.topic)
	if !ok {
		var err error
		switch {
		case route.IsRetryTopic(h.topic):
			tc, err = b.ensureTopic(h.topic, 1, route.PermRead|route.PermWrite)
		case b.cfg.AutoCreateTopicEnable:
			def, ok := b.topics.get(route.DefaultTopic)
			if !ok || def.Perm&route.PermInherit == 0 {
				return tc, remoting.Errorf(req, remoting.TopicNotExist, "topic[%s] not exist, apply first please!", h.topic)
			}
			n := min(max(h.defaultTopicQueueNums, 1), def.WriteQueueNums)
			tc, err = b.ensureTopic(h.topic, n, def.Perm&^route.PermInherit)
		default:
			return tc, remoting.Errorf(req, remoting.TopicNotExist, "topic[%s] not exist, apply first please!", h.topic)
		}
		if err != nil {
			return tc, remoting.Errorf(req, remoting.SystemError, "create topic %s: %v", h.topic, err)
		}
	}
	if !tc.Writable() {
		return tc, remoting.Errorf(req, remoting.NoPermission, "the topic[%s] sending message is forbidden", h.topic)
	}
	return tc, nil
}

// buildEntries turns the request into store entries: one message, or one
// per record of a batch body.
func (b *Broker) buildEntries(c *remoting.Conn, h sendHeader, queueID int32, body []byte, batch bool) ([]store.Entry, error) {
	born := addrPort(c.RemoteAddr())
	base := message.Message{
		Topic: h.topic, QueueID: queueID, Flag: h.flag, SysFlag: h.sysFlag,
		BornTimestamp: h.bornTimestamp, BornHost: born, StoreHost: b.storeHost, ReconsumeTimes: h.reconsumeTimes,
	}
	if !batch {
		m := base
		m.Body = body
		m.Properties = message.WithProperty(h.properties, message.PropCluster, b.cfg.BrokerClusterName)
		return []store.Entry{{Msg: &m, TagsCode: tagsCodeOf(m.Properties)}}, nil
	}
	items, err := message.DecodeBatch(body)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, errors.New("batch body holds no messages")
	}
	if route.IsRetryTopic(h.topic) {
		return nil, errors.New("batch messages cannot be sent to a retry topic")
	}
	for _, key := range []string{message.PropDelayLevel, message.PropTransactionPrepared} {
		if v, ok := message.Property(h.properties, key); ok && v != "" && v != "0" && v != "false" {
			return nil, fmt.Errorf("batch messages do not support the %s property", key)
		}
	}
	base.SysFlag &^= message.FlagCompressed
	msgs := make([]message.Message, len(items))
	entries := make([]store.Entry, len(items))
	for i, it := range items {
		props := message.JoinProperties(it.Properties, h.properties)
		if _, ok := message.Property(props, message.PropUniqKey); !ok {
			props = message.WithProperty(props, message.PropUniqKey, b.uniq.next())
		}
		msgs[i] = base
		msgs[i].Flag, msgs[i].Body = it.Flag, it.Body
		msgs[i].Properties = message.WithProperty(props, message.PropCluster, b.cfg.BrokerClusterName)
		entries[i] = store.Entry{Msg: &msgs[i], TagsCode: tagsCodeOf(msgs[i].Properties)}
	}
	return entries, nil
}

func tagsCodeOf(props string) int64 {
	tags, _ := message.Property(props, message.PropTags)
	return message.TagsCode(tags)
}

// msgIDs is the reply's msgId: the offset message id, comma-joined for a
// batch.
func (b *Broker) msgIDs(res store.PutResult) string {
	if len(res.PhysicalOffsets) <= 1 {
		return message.OffsetMsgID(b.storeHost, res.PhysicalOffset)
	}
	var sb strings.Builder
	for i, off := range res.PhysicalOffsets {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(message.OffsetMsgID(b.storeHost, off))
	}
	return sb.String()
}

func addrPort(a net.Addr) netip.AddrPort {
	if ta, ok := a.(*net.TCPAddr); ok {
		ap := ta.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	return netip.AddrPort{}
}
