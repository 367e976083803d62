package integration

import (
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
)

// TestBroadcast runs two members of a BROADCASTING group: each gets every
// message exactly once.
func TestBroadcast(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "bcast")
		createTopic(t, c, topic, 4)
		group := uniqName(t, "g")
		cleanLocalOffsets(t, group)
		cols := []*collector{newCollector(), newCollector()}
		for _, col := range cols {
			startPushConsumer(t, c, group, topic, consumer.MessageSelector{}, col.handler("m"),
				consumer.WithConsumerModel(consumer.BroadCasting),
				consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		}
		waitConsumers(t, c, group, 2)
		p := newProducer(t, c)
		want := bodies("b", 40)
		sendBodies(t, p, topic, want)
		for i, col := range cols {
			t.Logf("member %d", i+1)
			col.expectExactly(t, want, 15*time.Second, 0)
		}
		time.Sleep(time.Second)
		for i, col := range cols {
			if d := col.duplicates(); len(d) > 0 {
				t.Errorf("member %d got %d messages more than once, e.g. %s", i+1, len(d), sample(d))
			}
		}
	})
}
