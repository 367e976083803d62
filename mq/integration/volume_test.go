package integration

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// TestHundredThousandMessages sends 100,000 small messages in batches from
// four producers while one push consumer group of one member consumes
// them: every message must arrive, exactly once.
func TestHundredThousandMessages(t *testing.T) {
	if testing.Short() {
		t.Skip("100k messages take a while; skipped with -short")
	}
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		const (
			total     = 100_000
			batchSize = 100
			senders   = 4
		)
		topic := uniqName(t, "volume")
		createTopic(t, c, topic, 8)

		counts := make([]atomic.Int32, total)
		var distinct, dups, foreign atomic.Int64
		startPushConsumer(t, c, uniqName(t, "g"), topic, consumer.MessageSelector{},
			func(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
				for _, m := range msgs {
					i, err := strconv.Atoi(string(m.Body))
					if err != nil || i < 0 || i >= total {
						foreign.Add(1)
						continue
					}
					switch counts[i].Add(1) {
					case 1:
						distinct.Add(1)
					default:
						dups.Add(1)
					}
				}
				return consumer.ConsumeSuccess, nil
			},
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset),
			consumer.WithConsumeMessageBatchMaxSize(32),
			consumer.WithPullBatchSize(32))

		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, senders)
		for s := 0; s < senders; s++ {
			p := newProducer(t, c)
			wg.Add(1)
			go func(s int) {
				defer wg.Done()
				for first := s * batchSize; first < total; first += senders * batchSize {
					batch := make([]*primitive.Message, 0, batchSize)
					for i := first; i < first+batchSize && i < total; i++ {
						batch = append(batch, primitive.NewMessage(topic, []byte(strconv.Itoa(i))))
					}
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					res, err := p.SendSync(ctx, batch...)
					cancel()
					if err == nil && res.Status != primitive.SendOK {
						err = fmt.Errorf("status %d", res.Status)
					}
					if err != nil {
						errs <- fmt.Errorf("batch from %d: %w", first, err)
						return
					}
				}
			}(s)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("send: %v", err)
		}
		sent := time.Since(start)
		t.Logf("sent %d messages in %v (%.0f msg/s)", total, sent.Round(time.Millisecond), total/sent.Seconds())

		if !eventually(3*time.Minute, func() bool { return distinct.Load() == total }) {
			var missing []string
			for i := range counts {
				if counts[i].Load() == 0 && len(missing) < 5 {
					missing = append(missing, strconv.Itoa(i))
				}
			}
			t.Fatalf("%d of %d messages consumed after 3 minutes; missing e.g. %v", distinct.Load(), total, missing)
		}
		all := time.Since(start)
		t.Logf("consumed all %d in %v from the first send (%.0f msg/s)", total, all.Round(time.Millisecond), total/all.Seconds())
		time.Sleep(time.Second)
		if n := dups.Load(); n > 0 {
			t.Errorf("%d deliveries were duplicates in a one-member group", n)
		}
		if n := foreign.Load(); n > 0 {
			t.Errorf("%d deliveries were not messages of this test", n)
		}
	})
}
