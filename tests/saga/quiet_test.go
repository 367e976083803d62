package saga

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// waitQuiet waits until every service's consumer group has consumed every
// stored message its subscriptions match, retry queues included, seen
// twice 1.5s apart (a message sent back for a retry meanwhile shows up in
// between). Messages a group's tags filter out are not waited for: the
// client moves its offset past them only after a long poll. The client
// commits offsets every 5s (the first time 10s after it starts), so this
// takes that long.
func (s *shop) waitQuiet(t testing.TB) {
	t.Helper()
	quiet := func() (bool, string) {
		for _, g := range groups {
			if n, detail, err := s.pending(g); err != nil || n > 0 {
				return false, fmt.Sprint(detail, err)
			}
		}
		return true, ""
	}
	start := time.Now()
	shopsteps.Eventually(t, waitLong, "the consumers to catch up", quiet)
	time.Sleep(1500 * time.Millisecond)
	shopsteps.Eventually(t, waitLong, "the consumers to catch up", quiet)
	t.Logf("quiet after %s", time.Since(start).Round(time.Millisecond))
}

// pending counts the messages stored for group, matching its
// subscriptions, behind its committed offsets (a queue at a time: it stops
// at the first queue with any).
func (s *shop) pending(group string) (int, string, error) {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cc, err := s.admin.ConsumerConnections(c, group)
	if err != nil {
		return 0, group, err
	}
	subs := map[string]string{}
	for _, sub := range cc.Subscriptions {
		subs[sub.Topic] = sub.SubString
	}
	st, err := s.admin.ConsumerProgress(c, group, "")
	if err != nil {
		return 0, group, err
	}
	for _, q := range st.Queues {
		expr, ok := subs[q.Topic]
		if q.Lag() == 0 || !ok {
			continue
		}
		res, err := s.admin.Pull(c, s.cluster.BrokerAddr, admin.PullRequest{Group: admin.ToolsConsumerGroup,
			Topic: q.Topic, QueueID: int(q.QueueID), Offset: max(q.ConsumerOffset, 0), MaxMsgs: 32, Expression: expr})
		if err != nil {
			return 0, group, err
		}
		if n := len(res.Messages); n > 0 {
			return n, fmt.Sprintf("%s has %d message(s) of %s queue %d (tags %q) to consume", group, n, q.Topic, q.QueueID, expr), nil
		}
	}
	return 0, "", nil
}
