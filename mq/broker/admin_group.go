package broker

import (
	"encoding/json"
	"sort"

	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// getAllSubscriptionGroup answers GET_ALL_SUBSCRIPTIONGROUP_CONFIG.
func (b *Broker) getAllSubscriptionGroup(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	return jsonResponse(req, b.groups.snapshot())
}

// updateAndCreateSubscriptionGroup handles UPDATE_AND_CREATE_SUBSCRIPTIONGROUP
// with a GroupConfig JSON body.
func (b *Broker) updateAndCreateSubscriptionGroup(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	g := newGroupConfig("")
	if err := json.Unmarshal(req.Body, &g); err != nil {
		return remoting.Errorf(req, remoting.SystemError, "bad subscription group body: %v", err)
	}
	if err := route.ValidateGroup(g.GroupName); err != nil {
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	}
	if err := b.groups.put(g); err != nil {
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	}
	return remoting.NewResponse(req, remoting.Success, "")
}

// deleteSubscriptionGroup handles DELETE_SUBSCRIPTIONGROUP (ext groupName).
func (b *Broker) deleteSubscriptionGroup(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	name := req.Ext("groupName")
	if err := route.ValidateGroup(name); err != nil {
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	}
	if err := b.groups.remove(name); err != nil {
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	}
	return remoting.NewResponse(req, remoting.Success, "")
}

// getConsumeStats answers GET_CONSUME_STATS (ext consumerGroup, optional
// topic): per queue the broker's max offset, the group's committed offset
// and the store time of the last consumed message.
func (b *Broker) getConsumeStats(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	group := req.Ext("consumerGroup")
	if err := route.ValidateGroup(group); err != nil {
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	}
	topics := b.offsets.topicsOf(group)
	if gi, ok := b.clients.consumerGroupInfo(group); ok {
		for _, s := range gi.subs {
			topics = append(topics, s.Topic)
		}
	}
	if t := req.Ext("topic"); t != "" {
		topics = []string{t}
	}
	sort.Strings(topics)
	stats := route.ConsumeStats{Group: group, Queues: []route.QueueConsumeStats{}}
	for i, topic := range topics {
		if i > 0 && topics[i-1] == topic {
			continue
		}
		tc, ok := b.topics.get(topic)
		if !ok {
			continue
		}
		committed := b.offsets.groupOffsets(group, topic)
		for q := int32(0); q < int32(tc.ReadQueueNums); q++ {
			qs := route.QueueConsumeStats{Topic: topic, BrokerName: b.cfg.BrokerName, QueueID: q,
				BrokerOffset: b.store.MaxOffset(topic, q)}
			if off, ok := committed[q]; ok {
				qs.ConsumerOffset = off
				if off > 0 {
					qs.LastTimestamp, _ = b.store.StoreTime(topic, q, off-1)
				}
			}
			stats.Queues = append(stats.Queues, qs)
		}
	}
	return jsonResponse(req, stats)
}

// getConsumerConnectionList answers GET_CONSUMER_CONNECTION_LIST.
func (b *Broker) getConsumerConnectionList(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	group := req.Ext("consumerGroup")
	gi, ok := b.clients.consumerGroupInfo(group)
	if !ok {
		return remoting.Errorf(req, remoting.ConsumerNotOnline, "the consumer group[%s] not online", group)
	}
	cc := route.ConsumerConnection{ConsumeType: gi.consumeType, MessageModel: gi.messageModel,
		ConsumeFromWhere: gi.consumeFromWhere, Connections: connections(gi.members), Subscriptions: []route.Subscription{}}
	for _, s := range gi.subs {
		cc.Subscriptions = append(cc.Subscriptions, route.Subscription{Topic: s.Topic, SubString: s.SubString, ExpressionType: s.ExpressionType})
	}
	return jsonResponse(req, cc)
}

// getProducerConnectionList answers GET_PRODUCER_CONNECTION_LIST.
func (b *Broker) getProducerConnectionList(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	return jsonResponse(req, route.ProducerConnection{Connections: connections(b.clients.producerInfo(req.Ext("producerGroup")))})
}

func connections(members []connInfo) []route.Connection {
	out := make([]route.Connection, 0, len(members))
	for _, m := range members {
		out = append(out, route.Connection{ClientID: m.clientID, ClientAddr: m.addr, LastSeen: m.lastSeen.UnixMilli()})
	}
	return out
}
