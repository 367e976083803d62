package admin

import (
	"context"
	"fmt"
	"sort"

	"github.com/sagashop/sagashop/mq/route"
)

// brokerRef is one master in a topic's route with its queues of the
// topic.
type brokerRef struct {
	name, addr  string
	readQueues  int
	writeQueues int
	perm        int
}

// routeMasters returns the brokers of a route that have a master and
// queue data, sorted by broker name.
func routeMasters(rd route.TopicRouteData) []brokerRef {
	qds := make(map[string]route.QueueData, len(rd.QueueDatas))
	for _, qd := range rd.QueueDatas {
		qds[qd.BrokerName] = qd
	}
	var out []brokerRef
	for _, bd := range rd.BrokerDatas {
		qd, ok := qds[bd.BrokerName]
		if addr := bd.BrokerAddrs[0]; addr != "" && ok {
			out = append(out, brokerRef{name: bd.BrokerName, addr: addr,
				readQueues: qd.ReadQueueNums, writeQueues: qd.WriteQueueNums, perm: qd.Perm})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// topicMasters returns the masters of topic's route, sorted by broker
// name; a route without any gives an error wrapping ErrNoBroker.
func (c *Client) topicMasters(ctx context.Context, topic string) ([]brokerRef, error) {
	rd, err := c.Route(ctx, topic)
	if err != nil {
		return nil, err
	}
	brokers := routeMasters(rd)
	if len(brokers) == 0 {
		return nil, fmt.Errorf("%w for topic %q", ErrNoBroker, topic)
	}
	return brokers, nil
}
