package namesrv

import (
	"maps"
	"slices"

	"github.com/sagashop/sagashop/mq/route"
)

// RetryRoute answers for a consumer group's %RETRY% topic before any
// broker has created it: one queue on every broker group with a master.
//
// A broker creates %RETRY%<group> when the group's first heartbeat
// arrives, but the Go client fetches the routes of its subscriptions only
// at Start (before that heartbeat) and then every 30 s, so a new group
// would not consume its retries for up to a minute. This route lets it
// pull the retry queue from the start; the broker's own registration
// replaces it moments later. Java's NameServer has no such rule.
func (t *RouteTable) RetryRoute(topic string) (rd route.TopicRouteData, ok bool) {
	if !route.IsRetryTopic(topic) {
		return rd, false
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, name := range slices.Sorted(maps.Keys(t.groups)) {
		g := t.groups[name]
		if g.addrs[MasterID] == "" {
			continue
		}
		rd.QueueDatas = append(rd.QueueDatas, route.QueueData{
			BrokerName: name, ReadQueueNums: 1, WriteQueueNums: 1, Perm: route.PermRead | route.PermWrite,
		})
		rd.BrokerDatas = append(rd.BrokerDatas, g.brokerData(name))
	}
	return rd, len(rd.BrokerDatas) > 0
}
