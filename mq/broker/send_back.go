package broker

import (
	"errors"
	"math/rand/v2"
	"strconv"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
	"github.com/sagashop/sagashop/mq/store"
)

// retryBaseLevel is added to a message's reconsume count to pick its retry
// delay when the consumer asks for none (level 3 = 10s, then 30s, 1m, ...).
const retryBaseLevel = 3

// consumerSendMsgBack handles CONSUMER_SEND_MSG_BACK: a message the group
// failed to consume goes to %RETRY%<group> with a growing delay, or to
// %DLQ%<group> once it was reconsumed maxReconsumeTimes times (or when the
// consumer asks for it with a negative delay level). The Go client ignores
// the reply code, so every failure here is also logged.
func (b *Broker) consumerSendMsgBack(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	resp := b.sendBack(req)
	if remoting.ResponseCode(resp.Code) != remoting.Success {
		b.log.Warn("broker: send-back refused", "group", req.Ext("group"), "offset", req.Ext("offset"), "reason", resp.Remark)
	}
	return resp
}

func (b *Broker) sendBack(req *remoting.Command) *remoting.Command {
	group := req.Ext("group")
	if err := route.ValidateGroup(group); err != nil {
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	}
	offset, err := strconv.ParseInt(req.Ext("offset"), 10, 64)
	if err != nil || offset < 0 {
		return remoting.Errorf(req, remoting.SystemError, "header field offset=%q is invalid", req.Ext("offset"))
	}
	delayLevel, _ := strconv.Atoi(req.Ext("delayLevel"))
	gc, ok, err := b.groups.ensure(group, b.cfg.AutoCreateSubscriptionGroup)
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	}
	if !ok {
		return remoting.Errorf(req, remoting.SubscriptionGroupNotExist, "subscription group not exist, %s", group)
	}
	rec, err := b.store.ReadAt(offset)
	if errors.Is(err, store.ErrNotFound) {
		return remoting.Errorf(req, remoting.SystemError, "look message by offset failed, %d", offset)
	}
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "look message by offset %d: %v", offset, err)
	}
	orig, _, err := message.Decode(rec)
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "look message by offset %d: %v", offset, err)
	}
	maxTimes := gc.RetryMaxTimes
	if n, err := strconv.Atoi(req.Ext("maxReconsumeTimes")); err == nil && n >= 0 {
		maxTimes = n
	}
	m := orig
	m.StoreHost = b.storeHost
	m.ReconsumeTimes = orig.ReconsumeTimes + 1
	props := orig.Properties
	if _, ok := message.Property(props, message.PropRetryTopic); !ok {
		props = message.WithProperty(props, message.PropRetryTopic, orig.Topic)
	}
	// ORIGIN_MESSAGE_ID names the first stored copy by its offset id, as
	// Java's broker sets it; the header's originMsgId is the client's
	// UNIQ_KEY, which the copy keeps anyway.
	if _, ok := message.Property(props, message.PropOriginMessageID); !ok {
		props = message.WithProperty(props, message.PropOriginMessageID, orig.OffsetMsgID())
	}
	props = message.WithoutProperty(props, message.PropDelayLevel)
	tags := tagsCodeOf(props)
	if orig.ReconsumeTimes >= int32(maxTimes) || delayLevel < 0 {
		tc, err := b.ensureTopic(route.DLQTopic(group), 1, route.PermRead|route.PermWrite)
		if err != nil {
			return remoting.Errorf(req, remoting.SystemError, "%v", err)
		}
		m.Topic, m.QueueID, m.Properties = tc.TopicName, 0, props
		b.log.Info("message sent to DLQ", "group", group, "msgId", req.Ext("originMsgId"), "reconsumeTimes", orig.ReconsumeTimes)
	} else {
		tc, err := b.ensureTopic(route.RetryTopic(group), max(gc.RetryQueueNums, 1), route.PermRead|route.PermWrite)
		if err != nil {
			return remoting.Errorf(req, remoting.SystemError, "%v", err)
		}
		if delayLevel == 0 {
			delayLevel = retryBaseLevel + int(orig.ReconsumeTimes)
		}
		m.Topic, m.QueueID = tc.TopicName, rand.Int32N(int32(max(tc.WriteQueueNums, 1)))
		m.Properties = message.WithProperty(props, message.PropDelayLevel, strconv.Itoa(delayLevel))
		if code, parked, err := b.sched.divert(&m, b.now()); err == nil && parked {
			tags = code
		}
	}
	if _, err := b.store.Put([]store.Entry{{Msg: &m, TagsCode: tags}}); err != nil {
		return putError(req, err)
	}
	return remoting.NewResponse(req, remoting.Success, "")
}
