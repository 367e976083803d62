package admin

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// TopicList returns every topic the NameServers route, sorted
// (GET_ALL_TOPIC_LIST_FROM_NAMESERVER, code 206).
func (c *Client) TopicList(ctx context.Context) ([]string, error) {
	resp, err := c.invokeNamesrv(ctx, remoting.GetAllTopicListFromNameserver, nil)
	if err != nil {
		return nil, err
	}
	var tl route.TopicList
	if err := decode(resp, &tl); err != nil {
		return nil, err
	}
	sort.Strings(tl.TopicList)
	return tl.TopicList, nil
}

// Route returns a topic's route (GET_ROUTEINFO_BY_TOPIC, code 105). An
// unknown topic gives an error wrapping both ErrTopicNotFound and the
// TOPIC_NOT_EXIST *remoting.ResponseError.
func (c *Client) Route(ctx context.Context, topic string) (route.TopicRouteData, error) {
	var rd route.TopicRouteData
	resp, err := c.invokeNamesrv(ctx, remoting.GetRouteInfoByTopic, map[string]string{"topic": topic})
	if err != nil {
		var re *remoting.ResponseError
		if errors.As(err, &re) && re.Code == remoting.TopicNotExist {
			return rd, fmt.Errorf("%w: %q: %w", ErrTopicNotFound, topic, re)
		}
		return rd, err
	}
	if err := decode(resp, &rd); err != nil {
		return rd, err
	}
	return rd, nil
}

// CreateTopic creates or updates a topic (UPDATE_AND_CREATE_TOPIC, code
// 17). target is either a broker address ("host:port", anything with a
// colon) or a cluster name, in which case the topic is created on every
// master of the cluster. It returns the broker addresses written to. The
// brokers register the change with the NameServers asynchronously, so
// the route may appear a moment later.
func (c *Client) CreateTopic(ctx context.Context, target string, tc route.TopicConfig) ([]string, error) {
	if err := route.ValidateTopic(tc.TopicName); err != nil {
		return nil, fmt.Errorf("admin: create topic: %w", err)
	}
	if tc.ReadQueueNums <= 0 || tc.WriteQueueNums <= 0 {
		return nil, fmt.Errorf("admin: create topic %s: queue numbers read=%d write=%d must be positive",
			tc.TopicName, tc.ReadQueueNums, tc.WriteQueueNums)
	}
	if tc.TopicFilterType == "" {
		tc.TopicFilterType = "SINGLE_TAG"
	}
	addrs, err := c.brokersOf(ctx, target)
	if err != nil {
		return nil, err
	}
	ext := map[string]string{
		"topic": tc.TopicName, "defaultTopic": route.DefaultTopic,
		"readQueueNums": strconv.Itoa(tc.ReadQueueNums), "writeQueueNums": strconv.Itoa(tc.WriteQueueNums),
		"perm": strconv.Itoa(tc.Perm), "topicFilterType": tc.TopicFilterType,
		"topicSysFlag": strconv.Itoa(tc.TopicSysFlag), "order": strconv.FormatBool(tc.Order),
	}
	for i, addr := range addrs {
		if _, err := c.invoke(ctx, addr, remoting.NewRequest(remoting.UpdateAndCreateTopic, copyExt(ext), nil)); err != nil {
			return addrs[:i], err
		}
	}
	return addrs, nil
}

// brokersOf resolves a broker address or a cluster name to addresses.
func (c *Client) brokersOf(ctx context.Context, target string) ([]string, error) {
	if target == "" {
		return nil, fmt.Errorf("admin: %w: neither a broker address nor a cluster given", ErrNoBroker)
	}
	if strings.Contains(target, ":") {
		return []string{target}, nil
	}
	return c.ClusterMasters(ctx, target)
}

// DeleteTopic deletes a topic from every master of cluster
// (DELETE_TOPIC_IN_BROKER, code 215) and then from every NameServer
// (DELETE_TOPIC_IN_NAMESRV, code 216).
func (c *Client) DeleteTopic(ctx context.Context, topic, cluster string) error {
	if err := route.ValidateTopic(topic); err != nil {
		return fmt.Errorf("admin: delete topic: %w", err)
	}
	addrs, err := c.ClusterMasters(ctx, cluster)
	if err != nil {
		return err
	}
	for _, addr := range addrs {
		if _, err := c.invoke(ctx, addr, remoting.NewRequest(remoting.DeleteTopicInBroker, map[string]string{"topic": topic}, nil)); err != nil {
			return err
		}
	}
	var errs []error
	for _, ns := range c.namesrvs {
		_, err := c.invoke(ctx, ns, remoting.NewRequest(remoting.DeleteTopicInNamesrv, map[string]string{"topic": topic}, nil))
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// TopicStatus returns the min and max offset and last store time of every
// queue of a topic, asking each master in its route (GET_TOPIC_STATS_INFO,
// code 202). Queues are sorted by broker name and queue id.
func (c *Client) TopicStatus(ctx context.Context, topic string) ([]route.QueueStats, error) {
	rd, err := c.Route(ctx, topic)
	if err != nil {
		return nil, err
	}
	var queues []route.QueueStats
	asked := 0
	for _, bd := range rd.BrokerDatas {
		addr := bd.BrokerAddrs[0]
		if addr == "" {
			continue
		}
		asked++
		resp, err := c.invoke(ctx, addr, remoting.NewRequest(remoting.GetTopicStatsInfo, map[string]string{"topic": topic}, nil))
		if err != nil {
			return nil, err
		}
		var ts route.TopicStats
		if err := decode(resp, &ts); err != nil {
			return nil, err
		}
		queues = append(queues, ts.Queues...)
	}
	if asked == 0 {
		return nil, fmt.Errorf("%w for topic %q", ErrNoBroker, topic)
	}
	sort.Slice(queues, func(i, j int) bool {
		if queues[i].BrokerName != queues[j].BrokerName {
			return queues[i].BrokerName < queues[j].BrokerName
		}
		return queues[i].QueueID < queues[j].QueueID
	})
	return queues, nil
}
