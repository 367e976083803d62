package integration

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// TestClusteringRebalance runs a clustering group of three push consumers
// over eight queues. With a stable group every message is consumed exactly
// once and every queue by exactly one member (3+3+2). Then, while messages
// keep coming for 4 s, a fourth member joins and one of the first three
// leaves:
// nothing may be lost, the newcomer must get queues, and the queues of the
// leaver must be taken over well before the client's own 20 s rebalance
// timer, which only the broker's NOTIFY_CONSUMER_IDS_CHANGED achieves.
// Duplicates are allowed around the rebalance and are reported.
func TestClusteringRebalance(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		const queues = 8
		topic := uniqName(t, "rebalance")
		createTopic(t, c, topic, queues)
		group := uniqName(t, "g")
		col := newCollector()
		join := func(label string) *pushMember {
			return startPushConsumer(t, c, group, topic, consumer.MessageSelector{}, col.handler(label),
				consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		}
		m1 := join("m1")
		join("m2")
		join("m3")
		waitConsumers(t, c, group, 3)
		time.Sleep(2 * time.Second) // every member acts on its NOTIFY

		p := newProducer(t, c)
		phase1 := bodies("p1", 400)
		sendBodies(t, p, topic, phase1)
		col.waitAll(t, phase1, 20*time.Second)
		time.Sleep(500 * time.Millisecond)
		if d := col.duplicates(); len(d) > 0 {
			t.Errorf("stable group: %d messages were consumed more than once, e.g. %s", len(d), sample(d))
		}
		owners := col.queueOwners("p1")
		perMember := map[string]int{}
		for q := 0; q < queues; q++ {
			switch ms := owners[q]; len(ms) {
			case 0:
				t.Errorf("stable group: nobody consumed queue %d", q)
			case 1:
				perMember[ms[0]]++
			default:
				t.Errorf("stable group: queue %d was consumed by %v; a queue belongs to one member", q, ms)
			}
		}
		for _, m := range []string{"m1", "m2", "m3"} {
			if n := perMember[m]; n < 2 || n > 3 {
				t.Errorf("stable group: member %s consumed %d queues, want 2 or 3 of 8 (allocation %v)", m, n, perMember)
			}
		}

		// Phase 2: messages flow for 4 s; a member joins after 1 s and
		// another leaves after 2.5 s.
		var (
			mu       sync.Mutex
			phase2   []string
			sendErrs []string
		)
		stop, sent := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(sent)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				b := fmt.Sprintf("p2-%d", i)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				res, err := p.SendSync(ctx, primitive.NewMessage(topic, []byte(b)))
				cancel()
				mu.Lock()
				if err != nil || res.Status != primitive.SendOK {
					sendErrs = append(sendErrs, fmt.Sprintf("%s: %v %v", b, res, err))
				} else {
					phase2 = append(phase2, b)
				}
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		}()
		time.Sleep(time.Second)
		join("m4")
		time.Sleep(1500 * time.Millisecond)
		m1.shutdown()
		left := time.Now()
		time.Sleep(1500 * time.Millisecond)
		close(stop)
		<-sent
		if len(sendErrs) > 0 {
			t.Fatalf("%d sends failed during the rebalance, e.g. %s", len(sendErrs), sendErrs[0])
		}
		// Without a NOTIFY on the leave, the leaver's queues would wait
		// for the members' 20 s rebalance timers (about 13 s from here).
		all := append(append([]string{}, phase1...), phase2...)
		col.waitAll(t, all, time.Until(left.Add(8*time.Second)))
		t.Logf("all %d messages consumed %v after the member left (sending went on for 1.5s)", len(all), time.Since(left).Round(time.Millisecond))
		waitConsumers(t, c, group, 3)

		if n := col.memberCountPrefix("m4", "p2"); n == 0 {
			t.Errorf("the member that joined consumed nothing")
		}
		d := col.duplicates()
		var d1 []string
		for _, b := range d {
			if strings.HasPrefix(b, "p1") {
				d1 = append(d1, b)
			}
		}
		t.Logf("rebalance: %d of %d messages were consumed more than once (%d of them from before the rebalance), e.g. %s",
			len(d), len(all), len(d1), sample(d))
		for _, m := range []string{"m1", "m2", "m3", "m4"} {
			t.Logf("member %s consumed %d messages of phase 2", m, col.memberCountPrefix(m, "p2"))
		}
	})
}
