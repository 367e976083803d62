package admin

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// DefaultProducerGroup is the producer group sends name unless told
// otherwise (Java MixAll.DEFAULT_PRODUCER_GROUP, which mqadmin's
// sendMessage uses).
const DefaultProducerGroup = "DEFAULT_PRODUCER"

// autoCreateQueueNums caps the queues of a topic the broker creates on
// first send through the default topic, as the Go client asks.
const autoCreateQueueNums = 4

// SendStatus is the outcome of a stored send, named as Java's SendStatus.
type SendStatus string

// Send statuses. Only SendOK means the message is as durable as the
// broker was configured to make it; the others mean it is stored but a
// flush or the replication to a slave did not finish in time.
const (
	SendOK            SendStatus = "SEND_OK"
	FlushDiskTimeout  SendStatus = "FLUSH_DISK_TIMEOUT"
	FlushSlaveTimeout SendStatus = "FLUSH_SLAVE_TIMEOUT"
	SlaveNotAvailable SendStatus = "SLAVE_NOT_AVAILABLE"
)

// OutgoingMessage is one message to send with SendMessage.
type OutgoingMessage struct {
	// Topic is where the message goes; required.
	Topic string
	// Body is the message body, zlib-compressed when Compressed is set.
	// The broker decides whether an empty one is acceptable.
	Body []byte
	// Flag is the user flag stored with the message; default 0.
	Flag int32
	// Compressed says Body is zlib-compressed already, as a stored body
	// may be; default false.
	Compressed bool
	// Tags is the TAGS property; default none.
	Tags string
	// Keys make up the KEYS property, joined with spaces; default none.
	Keys []string
	// DelayLevel, when not 0, is sent as the DELAY property; default 0.
	DelayLevel int
	// UniqKey is the UNIQ_KEY property; default (empty) the one in
	// Properties, else a new one made as the Go client makes them.
	UniqKey string
	// Properties are sent as they are; the fields above replace the
	// entries they set, and WAIT is "true" unless given here. Keys and
	// values must not contain the separators \x01 and \x02.
	Properties map[string]string
}

// SendOptions choose where a message goes.
type SendOptions struct {
	// BrokerAddr sends to this broker instead of the first master (by
	// broker name) of the topic's route; default "".
	BrokerAddr string
	// QueueID is the queue to send to; a negative one is picked at random
	// among the broker's write queues. DefaultSendOptions sets -1.
	QueueID int
	// ProducerGroup is the group the request names; default (empty)
	// DefaultProducerGroup.
	ProducerGroup string
	// AutoCreate sends to a topic with no route through the default topic
	// TBW102, which makes a broker with autoCreateTopicEnable create it,
	// as the Go client does; without it such a send fails with
	// ErrTopicNotFound. DefaultSendOptions sets true.
	AutoCreate bool
}

// DefaultSendOptions returns the defaults listed on SendOptions.
func DefaultSendOptions() SendOptions {
	return SendOptions{QueueID: -1, ProducerGroup: DefaultProducerGroup, AutoCreate: true}
}

// SendResult is what the broker stored.
type SendResult struct {
	Status SendStatus
	// BrokerName is the broker group sent to; "" when BrokerAddr was given
	// and no route names it.
	BrokerName string
	BrokerAddr string
	QueueID    int32
	// QueueOffset is the message's index in its queue.
	QueueOffset int64
	// MsgID is the UNIQ_KEY sent; OffsetMsgID is the broker's id of the
	// stored message.
	MsgID       string
	OffsetMsgID string
}

// SendMessage sends one message (SEND_MESSAGE, code 10, with the long
// header keys the Go client uses). A reply other than SUCCESS or one of
// the flush and slave timeouts is an error wrapping
// *remoting.ResponseError.
func (c *Client) SendMessage(ctx context.Context, m OutgoingMessage, opts SendOptions) (SendResult, error) {
	var res SendResult
	if m.Topic == "" {
		return res, errors.New("admin: send: no topic")
	}
	props, uniq, err := m.properties(c.uniq)
	if err != nil {
		return res, err
	}
	t, err := c.sendTarget(ctx, m.Topic, opts)
	if err != nil {
		return res, err
	}
	var sysFlag int32
	if m.Compressed {
		sysFlag |= message.FlagCompressed
	}
	group := opts.ProducerGroup
	if group == "" {
		group = DefaultProducerGroup
	}
	ext := map[string]string{
		"producerGroup": group, "topic": m.Topic, "defaultTopic": route.DefaultTopic,
		"defaultTopicQueueNums": strconv.Itoa(autoCreateQueueNums), "queueId": strconv.Itoa(t.queueID),
		"sysFlag": strconv.Itoa(int(sysFlag)), "bornTimestamp": strconv.FormatInt(time.Now().UnixMilli(), 10),
		"flag": strconv.Itoa(int(m.Flag)), "properties": props, "reconsumeTimes": "0", "unitMode": "false",
		"maxReconsumeTimes": "0", "batch": "false",
	}
	resp, err := c.call(ctx, t.addr, remoting.NewRequest(remoting.SendMessage, ext, m.Body))
	if err != nil {
		return res, err
	}
	switch remoting.ResponseCode(resp.Code) {
	case remoting.Success:
		res.Status = SendOK
	case remoting.FlushDiskTimeout:
		res.Status = FlushDiskTimeout
	case remoting.FlushSlaveTimeout:
		res.Status = FlushSlaveTimeout
	case remoting.SlaveNotAvailable:
		res.Status = SlaveNotAvailable
	default:
		return res, fmt.Errorf("admin: send to %s at %s: %w", m.Topic, t.addr, resp.Err())
	}
	res.BrokerName, res.BrokerAddr, res.MsgID, res.OffsetMsgID = t.name, t.addr, uniq, resp.Ext("msgId")
	q, err1 := strconv.ParseInt(resp.Ext("queueId"), 10, 32)
	off, err2 := strconv.ParseInt(resp.Ext("queueOffset"), 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return res, fmt.Errorf("admin: send to %s at %s: reply queueId=%q queueOffset=%q: %w",
			m.Topic, t.addr, resp.Ext("queueId"), resp.Ext("queueOffset"), err)
	}
	res.QueueID, res.QueueOffset = int32(q), off
	return res, nil
}

// properties builds the properties string and returns it with the
// UNIQ_KEY it holds.
func (m *OutgoingMessage) properties(keys *uniqKeys) (string, string, error) {
	p := make(map[string]string, len(m.Properties)+5)
	for k, v := range m.Properties {
		p[k] = v
	}
	if m.Tags != "" {
		p[message.PropTags] = m.Tags
	}
	if len(m.Keys) > 0 {
		p[message.PropKeys] = strings.Join(m.Keys, " ")
	}
	if m.DelayLevel != 0 {
		p[message.PropDelayLevel] = strconv.Itoa(m.DelayLevel)
	}
	if m.UniqKey != "" {
		p[message.PropUniqKey] = m.UniqKey
	}
	if p[message.PropUniqKey] == "" {
		p[message.PropUniqKey] = keys.next(time.Now())
	}
	if _, ok := p[message.PropWaitStoreMsgOK]; !ok {
		p[message.PropWaitStoreMsgOK] = "true"
	}
	for k, v := range p {
		if k == "" || strings.ContainsAny(k+v, "\x01\x02") {
			return "", "", fmt.Errorf("admin: send: property %q=%q is empty or holds a separator", k, v)
		}
	}
	return message.MarshalProperties(p), p[message.PropUniqKey], nil
}

// sendTarget is the broker and queue a message goes to.
type sendTarget struct {
	name, addr string
	queueID    int
}

// sendTarget picks the broker and queue for a send to topic. Given a
// broker address, the route only names that broker and counts its queues,
// and a failed lookup is left for the broker to judge, unless the topic
// is unknown and AutoCreate is off.
func (c *Client) sendTarget(ctx context.Context, topic string, opts SendOptions) (sendTarget, error) {
	rd, err := c.Route(ctx, topic)
	if errors.Is(err, ErrTopicNotFound) && opts.AutoCreate {
		if def, derr := c.Route(ctx, route.DefaultTopic); derr == nil {
			for i := range def.QueueDatas {
				def.QueueDatas[i].WriteQueueNums = min(def.QueueDatas[i].WriteQueueNums, autoCreateQueueNums)
			}
			rd, err = def, nil
		}
	}
	var writable []brokerRef
	for _, b := range routeMasters(rd) {
		if b.perm&route.PermWrite != 0 && b.writeQueues > 0 {
			writable = append(writable, b)
		}
	}
	t := sendTarget{addr: opts.BrokerAddr, queueID: opts.QueueID}
	var b brokerRef
	switch {
	case err != nil && (opts.BrokerAddr == "" || errors.Is(err, ErrTopicNotFound) && !opts.AutoCreate):
		return t, err
	case opts.BrokerAddr != "":
		for _, w := range writable {
			if w.addr == opts.BrokerAddr {
				b = w
			}
		}
	case len(writable) == 0:
		return t, fmt.Errorf("%w with writable queues for topic %q", ErrNoBroker, topic)
	default:
		b = writable[0]
		t.addr = b.addr
	}
	t.name = b.name
	if t.queueID < 0 {
		t.queueID = -1 // the broker picks
		if b.writeQueues > 0 {
			t.queueID = rand.IntN(b.writeQueues)
		}
	}
	return t, nil
}
