package messaging

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/route"
)

// DefaultQueues is the number of queues EnsureTopics gives a topic when
// asked for none.
const DefaultQueues = 4

// ensureWait bounds EnsureTopics' wait for routes when ctx has no deadline.
const ensureWait = 30 * time.Second

// EnsureTopics creates each topic that is missing on a master broker of
// the cluster, with queues read and write queues (DefaultQueues when
// queues <= 0), then waits until the NameServers route every topic to
// every master, since brokers register new topics asynchronously and a
// consumer's Start fails for a topic with no route. Topics that exist are
// left as they are, so it is idempotent. It speaks the RocketMQ 4.x admin
// protocol (GET_BROKER_CLUSTER_INFO, GET_ROUTEINFO_BY_TOPIC,
// UPDATE_AND_CREATE_TOPIC) through mq/admin, which works against Apache
// RocketMQ too. Errors wrap ErrTopics and the cause.
func EnsureTopics(ctx context.Context, nameServers []string, topics []string, queues int) error {
	if len(nameServers) == 0 {
		return fmt.Errorf("%w: no NameServers", ErrTopics)
	}
	for _, t := range topics {
		if err := route.ValidateTopic(t); err != nil {
			return fmt.Errorf("%w: %w", ErrTopics, err)
		}
	}
	if queues <= 0 {
		queues = DefaultQueues
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, ensureWait)
		defer cancel()
	}
	cl, err := admin.New(nameServers)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrTopics, err)
	}
	defer cl.Close()
	masters, err := clusterMasters(ctx, cl)
	if err != nil {
		return err
	}
	for _, t := range topics {
		if err := ensureTopic(ctx, cl, masters, t, queues); err != nil {
			return err
		}
	}
	return nil
}

// clusterMasters returns the master address of every broker group by
// broker name.
func clusterMasters(ctx context.Context, cl *admin.Client) (map[string]string, error) {
	ci, err := cl.ClusterInfo(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: cluster info: %w", ErrTopics, err)
	}
	masters := map[string]string{}
	for name, bd := range ci.BrokerAddrTable {
		if addr := bd.BrokerAddrs[0]; addr != "" {
			masters[name] = addr
		}
	}
	if len(masters) == 0 {
		return nil, fmt.Errorf("%w: %w", ErrTopics, admin.ErrNoBroker)
	}
	return masters, nil
}

// ensureTopic creates topic on the masters its route lacks, then waits
// until the route has them all.
func ensureTopic(ctx context.Context, cl *admin.Client, masters map[string]string, topic string, queues int) error {
	created := false
	for wait := 20 * time.Millisecond; ; wait = min(2*wait, 500*time.Millisecond) {
		missing, err := missingBrokers(ctx, cl, masters, topic)
		if err != nil {
			return err
		}
		if len(missing) == 0 {
			return nil
		}
		if !created {
			for _, name := range missing {
				tc := route.NewTopicConfig(topic, queues, route.PermRead|route.PermWrite)
				if _, err := cl.CreateTopic(ctx, masters[name], tc); err != nil {
					return fmt.Errorf("%w: create %s on %s (%s): %w", ErrTopics, topic, name, masters[name], err)
				}
			}
			created = true
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %s not routed to %v yet: %w", ErrTopics, topic, missing, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// missingBrokers returns the names of the masters topic has no route to,
// sorted.
func missingBrokers(ctx context.Context, cl *admin.Client, masters map[string]string, topic string) ([]string, error) {
	rd, err := cl.Route(ctx, topic)
	if err != nil && !errors.Is(err, admin.ErrTopicNotFound) {
		return nil, fmt.Errorf("%w: route of %s: %w", ErrTopics, topic, err)
	}
	var missing []string
	for name := range masters {
		if !slices.ContainsFunc(rd.QueueDatas, func(q route.QueueData) bool { return q.BrokerName == name }) {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	return missing, nil
}
