package bench

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// newTopicQueues is the queue count of a topic the bench creates.
const newTopicQueues = 8

// prepareTopic finds the broker and the queue count, and creates the
// topic, or updates it when Queues asks for another count, unless only
// consuming.
func prepareTopic(ctx context.Context, ac *admin.Client, o *Options) error {
	var rd route.TopicRouteData
	var rerr error = admin.ErrNoNamesrv
	if len(o.NamesrvAddrs) > 0 {
		rd, rerr = ac.Route(ctx, o.Topic)
		if rerr != nil && !errors.Is(rerr, admin.ErrTopicNotFound) {
			return fmt.Errorf("bench: %w", rerr)
		}
	}
	if rerr == nil {
		for _, bd := range rd.BrokerDatas {
			addr := bd.BrokerAddrs[0]
			if addr == "" || (o.BrokerAddr != "" && addr != o.BrokerAddr) {
				continue
			}
			for _, qd := range rd.QueueDatas {
				if qd.BrokerName == bd.BrokerName {
					o.BrokerAddr = addr
					switch {
					case o.Mode == Consume:
						o.Queues = qd.ReadQueueNums
					case o.Queues == 0:
						o.Queues = qd.WriteQueueNums // keep the topic as it is
						return nil
					}
				}
			}
			if o.BrokerAddr != "" {
				break
			}
		}
	}
	if o.Mode == Consume {
		if o.BrokerAddr == "" {
			return fmt.Errorf("%w for topic %q: %w", ErrNoBroker, o.Topic, rerr)
		}
		return nil
	}
	if o.BrokerAddr == "" {
		masters, err := ac.Masters(ctx)
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		o.BrokerAddr = masters[0]
	}
	if o.Queues == 0 {
		o.Queues = newTopicQueues
	}
	if _, err := ac.CreateTopic(ctx, o.BrokerAddr, route.NewTopicConfig(o.Topic, o.Queues, route.PermRead|route.PermWrite)); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

func dialAll(ctx context.Context, addr string, n int, h remoting.Handler) ([]*remoting.Conn, error) {
	var conns []*remoting.Conn
	for range n {
		c, err := remoting.Dial(ctx, addr, h, remoting.ConnOptions{IdleTimeout: -1})
		if err != nil {
			for _, c := range conns {
				c.Close()
			}
			return nil, fmt.Errorf("bench: %w", err)
		}
		conns = append(conns, c)
	}
	return conns, nil
}

// maxOffsets asks GET_MAX_OFFSET of every queue.
func maxOffsets(ctx context.Context, c *remoting.Conn, topic string, queues int) ([]int64, error) {
	offs := make([]int64, queues)
	for q := range offs {
		resp, err := c.Invoke(ctx, remoting.NewRequest(remoting.GetMaxOffset,
			map[string]string{"topic": topic, "queueId": strconv.Itoa(q)}, nil))
		if err == nil {
			err = resp.Err()
		}
		if err == nil {
			offs[q], err = strconv.ParseInt(resp.Ext("offset"), 10, 64)
		}
		if err != nil {
			return nil, fmt.Errorf("bench: max offset of %s:%d: %w", topic, q, err)
		}
	}
	return offs, nil
}
