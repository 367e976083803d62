package namesrv

import (
	"cmp"
	"maps"
	"slices"

	"github.com/sagashop/sagashop/mq/route"
)

// Route returns topic's route: the queue data of every broker group
// holding it and those groups' member addresses, both sorted by broker
// name. ok is false when no broker holds the topic.
func (t *RouteTable) Route(topic string) (rd route.TopicRouteData, ok bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	qs := t.topics[topic]
	if len(qs) == 0 {
		return rd, false
	}
	for _, name := range slices.Sorted(maps.Keys(qs)) {
		g := t.groups[name]
		if g == nil {
			continue // cannot happen: a group's queue data leaves with it
		}
		rd.QueueDatas = append(rd.QueueDatas, qs[name])
		rd.BrokerDatas = append(rd.BrokerDatas, g.brokerData(name))
	}
	return rd, len(rd.BrokerDatas) > 0
}

// brokerData copies g as it appears in routes and cluster info.
func (g *group) brokerData(name string) route.BrokerData {
	return route.BrokerData{Cluster: g.cluster, BrokerName: name, BrokerAddrs: maps.Clone(g.addrs)}
}

// ClusterInfo returns every broker group and the group names of every
// cluster (sorted).
func (t *RouteTable) ClusterInfo() route.ClusterInfo {
	t.mu.RLock()
	defer t.mu.RUnlock()
	ci := route.ClusterInfo{
		BrokerAddrTable:  make(map[string]route.BrokerData, len(t.groups)),
		ClusterAddrTable: make(map[string][]string, len(t.clusters)),
	}
	for name, g := range t.groups {
		ci.BrokerAddrTable[name] = g.brokerData(name)
	}
	for cluster, names := range t.clusters {
		ci.ClusterAddrTable[cluster] = slices.Sorted(maps.Keys(names))
	}
	return ci
}

// Topics returns every routable topic, sorted.
func (t *RouteTable) Topics() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return slices.Sorted(maps.Keys(t.topics))
}

// TopicsByCluster returns the topics held by at least one broker group of
// cluster, sorted; none for an unknown cluster.
func (t *RouteTable) TopicsByCluster(cluster string) []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	names := t.clusters[cluster]
	topics := []string{}
	for topic, qs := range t.topics {
		for name := range qs {
			if _, ok := names[name]; ok {
				topics = append(topics, topic)
				break
			}
		}
	}
	slices.Sort(topics)
	return topics
}

// SystemTopics returns what Java's GET_SYSTEM_TOPIC_LIST_FROM_NS does: the
// cluster names and broker names (each a topic a Java broker creates), and
// the address of one broker, the lowest id of the first group by name.
func (t *RouteTable) SystemTopics() route.TopicList {
	t.mu.RLock()
	defer t.mu.RUnlock()
	set := map[string]struct{}{}
	for cluster, names := range t.clusters {
		set[cluster] = struct{}{}
		for name := range names {
			set[name] = struct{}{}
		}
	}
	list := route.TopicList{TopicList: slices.Sorted(maps.Keys(set))}
	if list.TopicList == nil {
		list.TopicList = []string{}
	}
	for _, name := range slices.Sorted(maps.Keys(t.groups)) {
		if ids := slices.Sorted(maps.Keys(t.groups[name].addrs)); len(ids) > 0 {
			addr := t.groups[name].addrs[ids[0]]
			list.BrokerAddr = &addr
			break
		}
	}
	return list
}

// Brokers returns every live member, sorted by cluster, name and id.
func (t *RouteTable) Brokers() []Broker {
	t.mu.RLock()
	defer t.mu.RUnlock()
	bs := make([]Broker, 0, len(t.live))
	for _, m := range t.live {
		bs = append(bs, m.Broker)
	}
	sortBrokers(bs)
	return bs
}

func sortBrokers(bs []Broker) {
	slices.SortFunc(bs, func(a, b Broker) int {
		return cmp.Or(cmp.Compare(a.Cluster, b.Cluster), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.ID, b.ID), cmp.Compare(a.Addr, b.Addr))
	})
}
