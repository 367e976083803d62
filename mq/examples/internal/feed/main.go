// Command feed is the examples harness's own client: it sends the
// messages the consumer examples wait for, and reads back what a topic
// holds so that the harness can check what the examples did to it.
//
// It runs as a separate process, built without the race detector, because
// the official client v2.1.2 has data races of its own that would fail a
// race-enabled test binary hosting it (see mq/integration/clusterhost_test.go).
//
// Send mode (the default) prints one line per message:
//
//	sent body=<body> tag=<tag> msgId=<UNIQ_KEY> offsetMsgId=<id> queue=<queueId>
//	fail body=<body> err=<error>
//
// and exits 1 if any send failed. Bodies are <prefix>-<i>, or
// <prefix>-<i>-<tag> when -tags is given, so they contain no spaces.
//
// Consume mode (-consume) subscribes a push consumer of its own group from
// the first offset and prints one line per message:
//
//	recv topic=<topic> queue=<queueId> offset=<queueOffset> msgId=<id> tags=<tags> reconsume=<n> born=<unix ms> body=<Go-quoted body>
//
// It exits after -for, or earlier once -min messages arrived and no more
// came for a second.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

type flags struct {
	namesrv string
	topic   string
	n       int
	prefix  string
	tags    string
	delay   int
	ak, sk  string

	consume bool
	group   string
	dur     time.Duration
	min     int
}

func main() {
	var f flags
	flag.StringVar(&f.namesrv, "namesrv", "127.0.0.1:9876", "NameServer address")
	flag.StringVar(&f.topic, "topic", "", "topic to send to or read (required)")
	flag.IntVar(&f.n, "n", 1, "messages to send")
	flag.StringVar(&f.prefix, "prefix", "feed", "body prefix")
	flag.StringVar(&f.tags, "tags", "", "comma-separated tags, used in turn")
	flag.IntVar(&f.delay, "delay", 0, "delay level of every message (0: none)")
	flag.StringVar(&f.ak, "ak", "", "ACL access key (none: unsigned)")
	flag.StringVar(&f.sk, "sk", "", "ACL secret key")
	flag.BoolVar(&f.consume, "consume", false, "read the topic instead of sending")
	flag.StringVar(&f.group, "group", "", "consumer group of -consume (required with it)")
	flag.DurationVar(&f.dur, "for", 5*time.Second, "how long -consume reads at most")
	flag.IntVar(&f.min, "min", 0, "-consume stops a second after this many messages (0: never early)")
	flag.Parse()
	if f.topic == "" || (f.consume && f.group == "") {
		flag.Usage()
		os.Exit(2)
	}
	var err error
	if f.consume {
		err = consume(f)
	} else {
		err = send(f)
	}
	if err != nil {
		fmt.Println("feed:", err)
		os.Exit(1)
	}
}

func credentials(f flags) primitive.Credentials {
	return primitive.Credentials{AccessKey: f.ak, SecretKey: f.sk}
}

func send(f flags) error {
	opts := []producer.Option{
		producer.WithNsResolver(primitive.NewPassthroughResolver([]string{f.namesrv})),
		producer.WithRetry(2),
	}
	if f.ak != "" {
		opts = append(opts, producer.WithCredentials(credentials(f)))
	}
	p, err := producer.NewDefaultProducer(opts...)
	if err != nil {
		return fmt.Errorf("new producer: %w", err)
	}
	if err := p.Start(); err != nil {
		return fmt.Errorf("start producer: %w", err)
	}
	defer p.Shutdown()
	var tags []string
	if f.tags != "" {
		tags = strings.Split(f.tags, ",")
	}
	failed := 0
	for i := 0; i < f.n; i++ {
		body, tag := f.prefix+"-"+strconv.Itoa(i), ""
		if len(tags) > 0 {
			tag = tags[i%len(tags)]
			body += "-" + tag
		}
		msg := primitive.NewMessage(f.topic, []byte(body))
		if tag != "" {
			msg.WithTag(tag)
		}
		if f.delay > 0 {
			msg.WithDelayTimeLevel(f.delay)
		}
		res, err := p.SendSync(context.Background(), msg)
		if err == nil && res.Status != primitive.SendOK {
			err = fmt.Errorf("send status %d", res.Status)
		}
		if err != nil {
			failed++
			fmt.Printf("fail body=%s err=%v\n", body, err)
			continue
		}
		fmt.Printf("sent body=%s tag=%s msgId=%s offsetMsgId=%s queue=%d\n",
			body, tag, res.MsgID, res.OffsetMsgID, res.MessageQueue.QueueId)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d sends failed", failed, f.n)
	}
	return nil
}

func consume(f flags) error {
	opts := []consumer.Option{
		consumer.WithGroupName(f.group),
		consumer.WithNsResolver(primitive.NewPassthroughResolver([]string{f.namesrv})),
		consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset),
	}
	if f.ak != "" {
		opts = append(opts, consumer.WithCredentials(credentials(f)))
	}
	c, err := consumer.NewPushConsumer(opts...)
	if err != nil {
		return fmt.Errorf("new consumer: %w", err)
	}
	var (
		mu    sync.Mutex
		count int
		last  time.Time
	)
	err = c.Subscribe(f.topic, consumer.MessageSelector{}, func(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range msgs {
			fmt.Printf("recv topic=%s queue=%d offset=%d msgId=%s tags=%s reconsume=%d born=%d body=%q\n",
				m.Topic, m.Queue.QueueId, m.QueueOffset, m.MsgId, m.GetTags(), m.ReconsumeTimes, m.BornTimestamp, m.Body)
			count++
		}
		last = time.Now()
		return consumer.ConsumeSuccess, nil
	})
	if err != nil {
		return fmt.Errorf("subscribe %s: %w", f.topic, err)
	}
	if err := c.Start(); err != nil {
		return fmt.Errorf("start consumer: %w", err)
	}
	defer c.Shutdown()
	deadline := time.Now().Add(f.dur)
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		done := f.min > 0 && count >= f.min && time.Since(last) > time.Second
		mu.Unlock()
		if done {
			break
		}
	}
	return nil
}
