package broker

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

const maxQueueNums = 1024

// updateAndCreateTopic handles UPDATE_AND_CREATE_TOPIC (admin) and
// registers the change with the NameServers at once.
func (b *Broker) updateAndCreateTopic(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	name := req.Ext("topic")
	if err := route.ValidateTopic(name); err != nil {
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	}
	if name == b.cfg.BrokerClusterName || route.IsSystemTopic(name) {
		return remoting.Errorf(req, remoting.SystemError, "the topic[%s] is conflict with system topic", name)
	}
	tc := route.NewTopicConfig(name, 0, route.PermRead|route.PermWrite)
	var bad string
	intExt := func(key string, def, lo, hi int) int {
		v := req.Ext(key)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			bad = key + "=" + strconv.Quote(v)
		}
		return n
	}
	tc.ReadQueueNums = intExt("readQueueNums", b.cfg.DefaultTopicQueueNums, 1, maxQueueNums)
	tc.WriteQueueNums = intExt("writeQueueNums", b.cfg.DefaultTopicQueueNums, 1, maxQueueNums)
	tc.Perm = intExt("perm", route.PermRead|route.PermWrite, 0, 15)
	tc.TopicSysFlag = intExt("topicSysFlag", 0, 0, 1<<30)
	if bad != "" {
		return remoting.Errorf(req, remoting.SystemError, "invalid topic setting %s", bad)
	}
	if v := req.Ext("topicFilterType"); v != "" {
		tc.TopicFilterType = v
	}
	tc.Order = req.Ext("order") == "true"
	changed, err := b.topics.put(tc)
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	}
	if changed {
		b.log.Info("topic updated", "topic", name, "read", tc.ReadQueueNums, "write", tc.WriteQueueNums, "perm", tc.Perm)
		// Register before replying, as Java does, so that the topic is
		// routable as soon as the admin tool hears back.
		ctx, cancel := context.WithTimeout(b.ctx, registerReplyTimeout)
		defer cancel()
		if err := b.reg.registerNow(ctx); err != nil {
			return remoting.Errorf(req, remoting.SystemError, "topic %s saved but not yet registered with the NameServer: %v", name, err)
		}
	}
	return remoting.NewResponse(req, remoting.Success, "")
}

// registerReplyTimeout bounds how long an admin reply waits for the
// NameServer registration of its change.
const registerReplyTimeout = 3 * time.Second

// deleteTopicInBroker handles DELETE_TOPIC_IN_BROKER: the topic's config,
// its ConsumeQueues and every group's offsets on it are removed.
func (b *Broker) deleteTopicInBroker(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	name := req.Ext("topic")
	if err := route.ValidateTopic(name); err != nil {
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	}
	if route.IsSystemTopic(name) {
		return remoting.Errorf(req, remoting.SystemError, "the topic[%s] is a system topic and cannot be deleted", name)
	}
	removed, err := b.topics.remove(name)
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	}
	b.offsets.removeTopic(name)
	if err := b.store.DeleteTopic(name); err != nil {
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	}
	if removed {
		b.log.Info("topic deleted", "topic", name)
		b.triggerRegister()
	}
	return remoting.NewResponse(req, remoting.Success, "")
}

// getAllTopicConfig answers GET_ALL_TOPIC_CONFIG.
func (b *Broker) getAllTopicConfig(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	topics, version := b.topics.snapshot()
	return jsonResponse(req, route.TopicConfigTable{TopicConfigTable: topics, DataVersion: version})
}

// getTopicStatsInfo answers GET_TOPIC_STATS_INFO: min and max offset and
// the last store time of every queue.
func (b *Broker) getTopicStatsInfo(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	name := req.Ext("topic")
	tc, ok := b.topics.get(name)
	if !ok {
		return remoting.Errorf(req, remoting.TopicNotExist, "topic[%s] not exist", name)
	}
	stats := route.TopicStats{Topic: name, Queues: []route.QueueStats{}}
	for q := int32(0); q < int32(max(tc.ReadQueueNums, tc.WriteQueueNums)); q++ {
		qs := route.QueueStats{BrokerName: b.cfg.BrokerName, QueueID: q,
			MinOffset: b.store.MinOffset(name, q), MaxOffset: b.store.MaxOffset(name, q)}
		if qs.MaxOffset > qs.MinOffset {
			qs.LastUpdateTimestamp, _ = b.store.StoreTime(name, q, qs.MaxOffset-1)
		}
		stats.Queues = append(stats.Queues, qs)
	}
	return jsonResponse(req, stats)
}

func jsonResponse(req *remoting.Command, v any) *remoting.Command {
	body, err := json.Marshal(v)
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "encode reply: %v", err)
	}
	resp := remoting.NewResponse(req, remoting.Success, "")
	resp.Body = body
	return resp
}
