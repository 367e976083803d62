package broker

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/sagashop/sagashop/mq/acl"
	"github.com/sagashop/sagashop/mq/conf"
	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// aclPath is the ACL file: file, or by default plain_acl.yml beside the
// broker's other tables in <storePathRootDir>/config.
func aclPath(c conf.Broker, file string) string {
	if file != "" {
		return file
	}
	return filepath.Join(c.StorePathRootDir, "config", "plain_acl.yml")
}

// loadACL reads the ACL file (see aclPath) when aclEnable is on; it returns
// nil, nil when it is off. New can call it to refuse a bad file early.
func loadACL(c conf.Broker, file string) (*acl.Validator, error) {
	if !c.AclEnable {
		return nil, nil
	}
	v, err := acl.Load(aclPath(c, file))
	if err != nil {
		return nil, fmt.Errorf("%w: aclEnable: %w", ErrInvalidOptions, err)
	}
	return v, nil
}

// withACL is withACLFile with the default file.
func (b *Broker) withACL(h remoting.Handler) remoting.Handler { return b.withACLFile(h, "") }

// withACLFile returns h unchanged when aclEnable is off. Otherwise it
// loads the accounts from file (see aclPath) and returns a handler that
// checks every request before h sees it, answering NO_PERMISSION with the
// reason when it is refused. If the file cannot be loaded, every request
// is refused: a broker asked to check access never serves unchecked.
func (b *Broker) withACLFile(h remoting.Handler, file string) remoting.Handler {
	if !b.cfg.AclEnable {
		return h
	}
	v, err := loadACL(b.cfg, file)
	if err != nil {
		b.log.Error("broker: ACL file unusable, refusing every request", "err", err)
		return remoting.HandlerFunc(func(c *remoting.Conn, req *remoting.Command) *remoting.Command {
			if req.IsOneway() {
				return nil
			}
			return remoting.NewResponse(req, remoting.NoPermission, "acl: no permission: the broker's ACL file is unusable; see its log")
		})
	}
	b.log.Info("broker: ACL enabled", "file", aclPath(b.cfg, file))
	return &aclGuard{b: b, v: v, next: h}
}

// aclGuard checks requests against v before passing them on to next.
type aclGuard struct {
	b    *Broker
	v    *acl.Validator
	next remoting.Handler
}

// Serve checks req and serves it with next, or refuses it. A refused
// oneway request gets no reply, as in Java.
func (g *aclGuard) Serve(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	res, admin, err := g.b.aclResources(req)
	switch {
	case err != nil:
		// What the request touches is unknown, so it cannot be allowed;
		// its handler would refuse it for the same reason.
		err = fmt.Errorf("%w: %s: %w", acl.ErrNoPermission, remoting.RequestCode(req.Code), err)
	case admin:
		err = g.v.CheckAdmin(c.RemoteAddr().String(), req.Code, req.ExtFields, req.Body, res)
	default:
		err = g.v.Check(c.RemoteAddr().String(), req.Code, req.ExtFields, req.Body, res)
	}
	if err == nil {
		return g.next.Serve(c, req)
	}
	var d *acl.Denial
	ak := ""
	if errors.As(err, &d) {
		ak = d.AccessKey
	}
	g.b.log.Warn("broker: request refused by ACL", "code", remoting.RequestCode(req.Code).String(),
		"remote", c.RemoteAddr().String(), "accessKey", ak, "err", err)
	if req.IsOneway() {
		return nil
	}
	return remoting.NewResponse(req, remoting.NoPermission, err.Error())
}

// aclResources lists the topics and groups req touches, read the way its
// handler reads them so that the check and the action agree, and whether
// it needs an admin account. Send-back, END_TRANSACTION and
// VIEW_MESSAGE_BY_ID name a stored message by offset; its topic is looked
// up, so that nobody can move, commit or read a message of a topic they
// may not touch. Reading the broker's internal topics (delayed and
// half messages of every producer) needs an admin account, and so does
// every request code not mapped here: a handler added later stays closed
// to plain accounts until its resources are.
func (b *Broker) aclResources(req *remoting.Command) (rs acl.Resources, admin bool, err error) {
	ext := req.Ext
	switch remoting.RequestCode(req.Code) {
	case remoting.SendMessage, remoting.SendMessageV2, remoting.SendBatchMessage,
		remoting.SendReplyMessage, remoting.SendReplyMessageV2:
		h, err := parseSendHeader(req)
		if err != nil {
			return nil, false, err
		}
		rs.AddTopic(h.topic, acl.Pub)
	case remoting.PullMessage, remoting.QueryConsumerOffset, remoting.UpdateConsumerOffset:
		rs.AddTopic(ext("topic"), acl.Sub)
		rs.AddGroup(ext("consumerGroup"), acl.Sub)
		admin = route.IsSystemTopic(ext("topic"))
	case remoting.GetMaxOffset, remoting.GetMinOffset, remoting.SearchOffsetByTimestamp,
		remoting.GetEarliestMsgStoreTime, remoting.GetTopicStatsInfo, remoting.QueryMessage:
		rs.AddTopic(ext("topic"), acl.Sub)
		admin = route.IsSystemTopic(ext("topic"))
	case remoting.ViewMessageByID:
		m, ok := b.storedMessage(ext("offset"))
		if ok {
			rs.AddTopic(m.Topic, acl.Sub)
		}
		admin = ok && route.IsSystemTopic(m.Topic)
	case remoting.HeartBeat:
		var hb heartbeatData
		if err := json.Unmarshal(req.Body, &hb); err != nil {
			return nil, false, fmt.Errorf("bad heartbeat body: %w", err)
		}
		for _, cd := range hb.ConsumerDataSet {
			rs.AddGroup(cd.GroupName, acl.Sub)
			for _, sd := range cd.SubscriptionDataSet {
				rs.AddTopic(sd.Topic, acl.Sub)
			}
		}
		for _, pd := range hb.ProducerDataSet {
			rs.AddGroup(pd.GroupName, acl.Any)
		}
	case remoting.UnregisterClient:
		if g := ext("consumerGroup"); g != "" {
			rs.AddGroup(g, acl.Sub)
		}
		if g := ext("producerGroup"); g != "" {
			rs.AddGroup(g, acl.Any)
		}
	case remoting.GetConsumerListByGroup, remoting.GetConsumerConnectionList:
		rs.AddGroup(ext("consumerGroup"), acl.Sub)
	case remoting.GetConsumeStats:
		rs.AddGroup(ext("consumerGroup"), acl.Sub)
		if t := ext("topic"); t != "" {
			rs.AddTopic(t, acl.Sub)
		}
	case remoting.GetProducerConnectionList:
		rs.AddGroup(ext("producerGroup"), acl.Any)
	case remoting.ConsumerSendMsgBack:
		rs.AddGroup(ext("group"), acl.Sub)
		if m, ok := b.storedMessage(ext("offset")); ok {
			rs.AddTopic(m.Topic, acl.Sub)
		}
	case remoting.EndTransaction:
		rs.AddGroup(ext("producerGroup"), acl.Any)
		if m, ok := b.storedMessage(ext("commitLogOffset")); ok {
			if t, ok := message.Property(m.Properties, message.PropRealTopic); ok {
				rs.AddTopic(t, acl.Pub)
			}
		}
	case remoting.LockBatchMQ, remoting.UnlockBatchMQ:
		var body lockBatchBody
		if err := json.Unmarshal(req.Body, &body); err != nil {
			return nil, false, fmt.Errorf("bad lock body: %w", err)
		}
		rs.AddGroup(body.ConsumerGroup, acl.Sub)
		for _, mq := range body.MQSet {
			rs.AddTopic(mq.Topic, acl.Sub)
		}
	default:
		admin = true
	}
	return rs, admin, nil
}

// storedMessage reads the message at a CommitLog offset given as text.
// When there is none the request's handler fails on its own, so the
// caller adds nothing.
func (b *Broker) storedMessage(offset string) (message.Message, bool) {
	off, err := strconv.ParseInt(offset, 10, 64)
	if err != nil || off < 0 {
		return message.Message{}, false
	}
	rec, err := b.store.ReadAt(off)
	if err != nil {
		return message.Message{}, false
	}
	m, _, err := message.Decode(rec)
	return m, err == nil
}
