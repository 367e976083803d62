package broker

import (
	"encoding/json"

	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// heartbeatData is the body of HEART_BEAT.
type heartbeatData struct {
	ClientID        string         `json:"clientID"`
	ProducerDataSet []producerData `json:"producerDataSet"`
	ConsumerDataSet []consumerData `json:"consumerDataSet"`
}

type producerData struct {
	GroupName string `json:"groupName"`
}

type consumerData struct {
	GroupName           string             `json:"groupName"`
	ConsumeType         string             `json:"consumeType"`
	MessageModel        string             `json:"messageModel"`
	ConsumeFromWhere    string             `json:"consumeFromWhere"`
	SubscriptionDataSet []subscriptionData `json:"subscriptionDataSet"`
	UnitMode            bool               `json:"unitMode"`
}

const clustering = "CLUSTERING"

// heartBeat registers the client's producer and consumer groups. A
// consumer group gets its subscription-group config and, when clustering,
// its %RETRY% topic; a membership or subscription change tells every
// member to rebalance at once.
func (b *Broker) heartBeat(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	var hb heartbeatData
	if err := json.Unmarshal(req.Body, &hb); err != nil {
		return remoting.Errorf(req, remoting.SystemError, "bad heartbeat body: %v", err)
	}
	if hb.ClientID == "" {
		return remoting.Errorf(req, remoting.SystemError, "heartbeat without clientID")
	}
	now := b.now()
	for _, cd := range hb.ConsumerDataSet {
		if err := route.ValidateGroup(cd.GroupName); err != nil {
			return remoting.Errorf(req, remoting.SystemError, "%v", err)
		}
		gc, ok, err := b.groups.ensure(cd.GroupName, b.cfg.AutoCreateSubscriptionGroup)
		if err != nil {
			return remoting.Errorf(req, remoting.SystemError, "%v", err)
		}
		if !ok {
			return remoting.Errorf(req, remoting.SubscriptionGroupNotExist,
				"subscription group %s does not exist and autoCreateSubscriptionGroup is off", cd.GroupName)
		}
		if cd.MessageModel == clustering {
			if _, err := b.ensureTopic(route.RetryTopic(cd.GroupName), max(gc.RetryQueueNums, 1), route.PermRead|route.PermWrite); err != nil {
				return remoting.Errorf(req, remoting.SystemError, "%v", err)
			}
		}
		if b.clients.registerConsumer(c, hb.ClientID, cd, now) {
			b.log.Info("consumer group changed", "group", cd.GroupName, "client", hb.ClientID)
			b.notifyConsumerIDsChanged(cd.GroupName)
		}
	}
	for _, pd := range hb.ProducerDataSet {
		b.clients.registerProducer(c, hb.ClientID, pd.GroupName, now)
	}
	return remoting.NewResponse(req, remoting.Success, "")
}

// unregisterClient handles UNREGISTER_CLIENT (ext clientID, producerGroup,
// consumerGroup).
func (b *Broker) unregisterClient(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	for _, g := range b.clients.unregister(c, req.Ext("producerGroup"), req.Ext("consumerGroup")) {
		b.notifyConsumerIDsChanged(g)
	}
	return remoting.NewResponse(req, remoting.Success, "")
}

// notifyConsumerIDsChanged sends NOTIFY_CONSUMER_IDS_CHANGED to every
// member of group so that they rebalance without waiting for their timer.
func (b *Broker) notifyConsumerIDsChanged(group string) {
	for _, c := range b.clients.consumerConns(group) {
		req := remoting.NewRequest(remoting.NotifyConsumerIDsChanged, map[string]string{"consumerGroup": group}, nil)
		if err := c.InvokeOneway(req); err != nil {
			b.log.Debug("notify consumer ids changed failed", "group", group, "remote", c.RemoteAddr(), "err", err)
		}
	}
}

// connClosed forgets a closed client connection.
func (b *Broker) connClosed(c *remoting.Conn) {
	b.polls.dropConn(c)
	for _, g := range b.clients.removeConn(c) {
		b.log.Info("consumer left", "group", g, "remote", c.RemoteAddr())
		b.notifyConsumerIDsChanged(g)
	}
}

// getConsumerList answers GET_CONSUMER_LIST_BY_GROUP.
func (b *Broker) getConsumerList(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	group := req.Ext("consumerGroup")
	ids := b.clients.consumerIDs(group)
	if ids == nil {
		ids = []string{}
	}
	body, _ := json.Marshal(struct {
		ConsumerIDList []string `json:"consumerIdList"`
	}{ids})
	resp := remoting.NewResponse(req, remoting.Success, "")
	if len(ids) == 0 {
		resp.Code, resp.Remark = int16(remoting.SystemError), "no consumer for this group, "+group
	}
	resp.Body = body
	return resp
}
