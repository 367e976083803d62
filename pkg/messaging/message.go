package messaging

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/sagashop/sagashop/mq/route"
	"github.com/sagashop/sagashop/pkg/event"
)

// Message is a message to send.
type Message struct {
	// Topic is where the message goes; required.
	Topic string
	// Tag is the message's tag, which consumers filter on; default none.
	Tag string
	// Keys index the message for queries; none may contain whitespace.
	Keys []string
	// Body is the payload; required.
	Body []byte
	// DelayLevel, when above 0, delays delivery by that level of the
	// broker's delay table (level 16 is 30 minutes by default).
	DelayLevel int
	// Properties are user properties; reserved names (KEYS, TAGS, DELAY,
	// UNIQ_KEY and RocketMQ's other system properties) are refused.
	// Entries with an empty value are not sent.
	Properties map[string]string
}

// Delivery is a message as a consumer or a Checker receives it.
type Delivery struct {
	Message
	// MsgID is the message's unique id (UNIQ_KEY), the same on every
	// redelivery.
	MsgID string
	// ReconsumeTimes is how often the message was delivered before and
	// failed.
	ReconsumeTimes int32
	// QueueID and QueueOffset locate the message in its topic.
	QueueID     int
	QueueOffset int64
	// BornAt is when the producer sent the message.
	BornAt time.Time
}

// EventMessage returns the message that carries e: topic e.Type.Topic(),
// tag e.Type.Tag(), keys e.Keys() and body event.Encode(e).
func EventMessage(e event.Envelope) (Message, error) {
	body, err := event.Encode(e)
	if err != nil {
		return Message{}, fmt.Errorf("%w: %w", ErrInvalidMessage, err)
	}
	return Message{Topic: e.Type.Topic(), Tag: e.Type.Tag(), Keys: e.Keys(), Body: body}, nil
}

// propTxRef is the property a TxProducer marks its half messages with, to
// find the local transaction of a check-back (see tx_producer.go).
const propTxRef = "SAGASHOP_TX_REF"

// systemProps are the property names RocketMQ (or this package) sets
// itself; Message.Properties may not use them and Delivery.Properties
// leaves them out.
var systemProps = map[string]bool{
	propTxRef: true, primitive.PropertyKeys: true, primitive.PropertyTags: true,
	primitive.PropertyWaitStoreMsgOk: true, primitive.PropertyDelayTimeLevel: true,
	primitive.PropertyRetryTopic: true, primitive.PropertyRealTopic: true, primitive.PropertyRealQueueId: true,
	primitive.PropertyTransactionPrepared: true, primitive.PropertyProducerGroup: true,
	primitive.PropertyMinOffset: true, primitive.PropertyMaxOffset: true, primitive.PropertyBuyerId: true,
	primitive.PropertyOriginMessageId: true, primitive.PropertyTransferFlag: true,
	primitive.PropertyCorrectionFlag: true, "MQ2_FLAG": true, primitive.PropertyReconsumeTime: true,
	primitive.PropertyMsgRegion: true, primitive.PropertyTraceSwitch: true,
	primitive.PropertyUniqueClientMessageIdKeyIndex: true, primitive.PropertyMaxReconsumeTimes: true,
	primitive.PropertyConsumeStartTime: true, primitive.PropertyTranscationPreparedQueueOffset: true,
	primitive.PropertyTranscationCheckTimes: true, primitive.PropertyCheckImmunityTimeInSeconds: true,
	primitive.PropertyShardingKey: true, primitive.PropertyTransactionID: true,
	primitive.PropertyCorrelationID: true, primitive.PropertyMessageReplyToClient: true,
	primitive.PropertyMessageTTL: true, primitive.PropertyReplyMessageArriveTime: true,
	primitive.PropertyMsgType: true, primitive.PropertyCluster: true, "INSTANCE_ID": true,
	"PUSH_REPLY_TIME": true,
}

// validate checks m against what the client and the broker accept.
func (m Message) validate() error {
	if err := route.ValidateTopic(m.Topic); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidMessage, err)
	}
	if route.IsSystemTopic(m.Topic) || route.IsRetryTopic(m.Topic) || route.IsDLQTopic(m.Topic) {
		return fmt.Errorf("%w: %q is a system topic", ErrInvalidMessage, m.Topic)
	}
	if len(m.Body) == 0 {
		return fmt.Errorf("%w: %s: empty body", ErrInvalidMessage, m.Topic)
	}
	if m.DelayLevel < 0 {
		return fmt.Errorf("%w: %s: delay level %d", ErrInvalidMessage, m.Topic, m.DelayLevel)
	}
	if strings.ContainsAny(m.Tag, "|\x01\x02") || strings.TrimSpace(m.Tag) != m.Tag {
		return fmt.Errorf("%w: %s: tag %q", ErrInvalidMessage, m.Topic, m.Tag)
	}
	for _, k := range m.Keys {
		if k == "" || strings.ContainsAny(k, " \t\r\n\x01\x02") {
			return fmt.Errorf("%w: %s: key %q", ErrInvalidMessage, m.Topic, k)
		}
	}
	for k, v := range m.Properties {
		if k == "" || systemProps[k] || strings.ContainsAny(k+v, "\x01\x02") {
			return fmt.Errorf("%w: %s: property %q", ErrInvalidMessage, m.Topic, k)
		}
	}
	return nil
}

// toPrimitive validates m and converts it to the client's message.
func (m Message) toPrimitive() (*primitive.Message, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	pm := primitive.NewMessage(m.Topic, m.Body)
	for k, v := range m.Properties {
		pm.WithProperty(k, v)
	}
	if m.Tag != "" {
		pm.WithTag(m.Tag)
	}
	if len(m.Keys) > 0 {
		pm.WithKeys(m.Keys)
	}
	if m.DelayLevel > 0 {
		pm.WithDelayTimeLevel(m.DelayLevel)
	}
	return pm, nil
}

// fromExt converts a received message.
func fromExt(me *primitive.MessageExt) Delivery {
	props := me.GetProperties()
	d := Delivery{
		Message: Message{
			Topic: me.Topic,
			Tag:   props[primitive.PropertyTags],
			Body:  me.Body,
		},
		MsgID:          props[primitive.PropertyUniqueClientMessageIdKeyIndex],
		ReconsumeTimes: me.ReconsumeTimes,
		QueueOffset:    me.QueueOffset,
		BornAt:         time.UnixMilli(me.BornTimestamp),
	}
	if keys := strings.Fields(props[primitive.PropertyKeys]); len(keys) > 0 {
		d.Keys = keys
	}
	if d.MsgID == "" {
		d.MsgID = me.MsgId
	}
	if me.Queue != nil {
		d.QueueID = me.Queue.QueueId
	}
	if lvl, err := strconv.Atoi(props[primitive.PropertyDelayTimeLevel]); err == nil && lvl > 0 {
		d.DelayLevel = lvl
	}
	for k, v := range props {
		if !systemProps[k] {
			if d.Properties == nil {
				d.Properties = make(map[string]string)
			}
			d.Properties[k] = v
		}
	}
	return d
}
