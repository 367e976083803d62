package admin

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// ConsumerProgress returns a group's progress on every queue it consumes
// (GET_CONSUME_STATS, code 208), merged over every master broker the
// NameServers know. A non-empty topic limits it to that topic. Queues are
// sorted by topic, broker name and queue id. When no broker has anything
// for the group the error wraps ErrNoConsumeStats.
func (c *Client) ConsumerProgress(ctx context.Context, group, topic string) (route.ConsumeStats, error) {
	stats := route.ConsumeStats{Group: group}
	if err := route.ValidateGroup(group); err != nil {
		return stats, fmt.Errorf("admin: consumer progress: %w", err)
	}
	addrs, err := c.Masters(ctx)
	if err != nil {
		return stats, err
	}
	ext := map[string]string{"consumerGroup": group}
	if topic != "" {
		ext["topic"] = topic
	}
	for _, addr := range addrs {
		resp, err := c.invoke(ctx, addr, remoting.NewRequest(remoting.GetConsumeStats, copyExt(ext), nil))
		if err != nil {
			return stats, err
		}
		var cs route.ConsumeStats
		if err := decode(resp, &cs); err != nil {
			return stats, err
		}
		stats.Queues = append(stats.Queues, cs.Queues...)
	}
	if len(stats.Queues) == 0 {
		return stats, fmt.Errorf("%w: group %q has no offsets or subscriptions on any broker", ErrNoConsumeStats, group)
	}
	sort.Slice(stats.Queues, func(i, j int) bool {
		a, b := stats.Queues[i], stats.Queues[j]
		if a.Topic != b.Topic {
			return a.Topic < b.Topic
		}
		if a.BrokerName != b.BrokerName {
			return a.BrokerName < b.BrokerName
		}
		return a.QueueID < b.QueueID
	})
	return stats, nil
}

// ConsumerConnections returns the online clients of a consumer group and
// their subscriptions (GET_CONSUMER_CONNECTION_LIST, code 203), merged
// over every master broker. A group online nowhere gives the brokers'
// CONSUMER_NOT_ONLINE *remoting.ResponseError.
func (c *Client) ConsumerConnections(ctx context.Context, group string) (route.ConsumerConnection, error) {
	var merged route.ConsumerConnection
	addrs, err := c.Masters(ctx)
	if err != nil {
		return merged, err
	}
	var lastErr error
	found := false
	seenClient, seenSub := map[string]bool{}, map[string]bool{}
	for _, addr := range addrs {
		resp, err := c.invoke(ctx, addr, remoting.NewRequest(remoting.GetConsumerConnectionList,
			map[string]string{"consumerGroup": group}, nil))
		var re *remoting.ResponseError
		if errors.As(err, &re) && re.Code == remoting.ConsumerNotOnline {
			lastErr = err
			continue
		}
		if err != nil {
			return merged, err
		}
		var cc route.ConsumerConnection
		if err := decode(resp, &cc); err != nil {
			return merged, err
		}
		if !found {
			merged.ConsumeType, merged.MessageModel, merged.ConsumeFromWhere = cc.ConsumeType, cc.MessageModel, cc.ConsumeFromWhere
			found = true
		}
		for _, cn := range cc.Connections {
			if !seenClient[cn.ClientID] {
				seenClient[cn.ClientID] = true
				merged.Connections = append(merged.Connections, cn)
			}
		}
		for _, s := range cc.Subscriptions {
			if !seenSub[s.Topic] {
				seenSub[s.Topic] = true
				merged.Subscriptions = append(merged.Subscriptions, s)
			}
		}
	}
	if !found {
		return merged, lastErr
	}
	sort.Slice(merged.Connections, func(i, j int) bool { return merged.Connections[i].ClientID < merged.Connections[j].ClientID })
	sort.Slice(merged.Subscriptions, func(i, j int) bool { return merged.Subscriptions[i].Topic < merged.Subscriptions[j].Topic })
	return merged, nil
}
