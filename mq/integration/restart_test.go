package integration

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// TestRestartResumesOffsets consumes a first batch, closes the consumer
// (which commits its offsets), restarts the cluster gracefully on the same
// store and addresses, sends a second batch, and starts a new member of
// the same group with CONSUME_FROM_FIRST_OFFSET: it must get exactly the
// second batch, so the committed offsets survived the restart (without
// them the group would start again at offset 0).
func TestRestartResumesOffsets(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		const queues = 4
		topic := uniqName(t, "restart")
		createTopic(t, c, topic, queues)
		group := uniqName(t, "g")
		p := newProducer(t, c)
		before := bodies("before", 40)
		sendBodies(t, p, topic, before)
		col := newCollector()
		m := startPushConsumer(t, c, group, topic, consumer.MessageSelector{}, col.handler("m"),
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		col.expectExactly(t, before, 15*time.Second, time.Second)
		m.shutdown()
		_ = p.Shutdown()
		for q := 0; q < queues; q++ {
			end := maxOffset(t, c, topic, q)
			var off int64
			if !eventually(5*time.Second, func() bool { off, _ = committedOffset(t, c, group, topic, q); return off == end }) {
				t.Fatalf("queue %d: committed offset %d after the consumer closed, want %d", q, off, end)
			}
		}

		c.restart(t)
		waitRoute(t, c, topic, queues)
		for q := 0; q < queues; q++ {
			if off, ok := committedOffset(t, c, group, topic, q); !ok || off != maxOffset(t, c, topic, q) {
				t.Errorf("queue %d: committed offset %d (found %v) after the restart, want %d", q, off, ok, maxOffset(t, c, topic, q))
			}
		}
		after := bodies("after", 40)
		sendBodies(t, newProducer(t, c), topic, after)
		col2 := newCollector()
		startPushConsumer(t, c, group, topic, consumer.MessageSelector{}, col2.handler("m"),
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		col2.expectExactly(t, after, 20*time.Second, 1500*time.Millisecond)
	})
}

// TestKillDuringSyncFlush sends with SendSync from four producers into an
// mqd running SYNC_FLUSH and SIGKILLs it in the middle. After a restart on
// the same store every acknowledged message must be there, and new ones
// must follow them; messages that were stored but never acknowledged are
// allowed and reported.
func TestKillDuringSyncFlush(t *testing.T) {
	forEachCluster(t, clusterOptions{syncFlush: true, only: mqdProcess}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "kill")
		createTopic(t, c, topic, 4)
		var (
			mu     sync.Mutex
			acked  []string
			failed int
		)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			p := newProducer(t, c)
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				defer p.Shutdown()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					b := fmt.Sprintf("k%d-%d", g, i)
					ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
					res, err := p.SendSync(ctx, primitive.NewMessage(topic, []byte(b)))
					cancel()
					mu.Lock()
					if err == nil && res.Status == primitive.SendOK {
						acked = append(acked, b)
					} else {
						failed++
					}
					mu.Unlock()
					if err != nil {
						time.Sleep(50 * time.Millisecond)
					}
				}
			}(g)
		}
		time.Sleep(2 * time.Second)
		c.kill(t)
		time.Sleep(500 * time.Millisecond)
		close(stop)
		wg.Wait()
		t.Logf("%d sends acknowledged, %d failed around the kill", len(acked), failed)
		if len(acked) < 100 {
			t.Fatalf("only %d sends were acknowledged in 2s; the load was too light to mean anything", len(acked))
		}

		c.start(t)
		waitRoute(t, c, topic, 4)
		col := newCollector()
		startPushConsumer(t, c, uniqName(t, "g"), topic, consumer.MessageSelector{}, col.handler("m"),
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		col.waitAll(t, acked, 30*time.Second)
		// The recovered store takes new messages after the old ones.
		after := bodies("after-kill", 20)
		sendBodies(t, newProducer(t, c), topic, after)
		col.waitAll(t, after, 15*time.Second)
		time.Sleep(time.Second)
		extra := col.unexpected(append(append([]string{}, acked...), after...))
		t.Logf("after the restart: all %d acknowledged messages consumed; %d more were stored without an acknowledgement %s; %d consumed twice",
			len(acked), len(extra), sample(extra), len(col.duplicates()))
	})
}
