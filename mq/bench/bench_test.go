package bench

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/route"
	"github.com/sagashop/sagashop/mq/standalone"
)

// startCluster runs a NameServer and a Broker on loopback ports until the
// test ends.
func startCluster(t testing.TB) *standalone.Cluster {
	t.Helper()
	b := broker.DefaultOptions()
	b.Config.StorePathRootDir = t.TempDir()
	c, err := standalone.Start(standalone.Options{NamesrvListen: "127.0.0.1:0", BrokerListen: "127.0.0.1:0", Broker: b})
	if err != nil {
		t.Fatalf("start cluster: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestProduceAndConsume(t *testing.T) {
	c := startCluster(t)
	res, err := Run(context.Background(), Options{
		NamesrvAddrs: []string{c.NamesrvAddr}, Topic: "BenchBoth", Mode: Both,
		Conns: 2, InFlight: 4, Size: 256, Queues: 4, Duration: time.Second,
	})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, res)
	}
	t.Logf("\n%s", res)
	if res.Options.BrokerAddr != c.BrokerAddr {
		t.Errorf("loaded %s, want the broker %s", res.Options.BrokerAddr, c.BrokerAddr)
	}
	if res.Produced == 0 || res.SendErrors != 0 || res.Requests != res.Produced {
		t.Errorf("produced %d in %d requests with %d errors", res.Produced, res.Requests, res.SendErrors)
	}
	if !res.Drained || res.Consumed != res.Produced || res.Lag != 0 {
		t.Errorf("consumed %d of %d (drained %t, lag %d)", res.Consumed, res.Produced, res.Drained, res.Lag)
	}
	if res.OutOfOrder != 0 || res.PullErrors != 0 || res.OffsetMoved != 0 {
		t.Errorf("out of order %d, pull errors %d, offset moved %d", res.OutOfOrder, res.PullErrors, res.OffsetMoved)
	}
	if l := res.Latency; l.Count != res.Requests || l.P50 <= 0 || l.P50 > l.P99 || l.P99 > l.Max {
		t.Errorf("latency %+v", l)
	}
	ac, err := admin.New([]string{c.NamesrvAddr})
	if err != nil {
		t.Fatal(err)
	}
	defer ac.Close()
	cs, err := ac.ConsumerProgress(context.Background(), DefaultOptions().Group, "BenchBoth")
	if err != nil {
		t.Fatalf("ConsumerProgress: %v", err)
	}
	var committed int64
	for _, q := range cs.Queues {
		committed += q.ConsumerOffset
		if q.Lag() != 0 {
			t.Errorf("queue %d lags %d after the drain", q.QueueID, q.Lag())
		}
	}
	if len(cs.Queues) != 4 || committed != res.Consumed {
		t.Errorf("the group committed %d over %d queues, want %d over 4", committed, len(cs.Queues), res.Consumed)
	}
	for _, want := range []string{"mode      both", "produced", "consumed", "lag", "p99.9"} {
		if !strings.Contains(res.String(), want) {
			t.Errorf("String() lacks %q:\n%s", want, res)
		}
	}
}

func TestBatchThenDrain(t *testing.T) {
	c := startCluster(t)
	ctx := context.Background()
	res, err := Run(ctx, Options{BrokerAddr: c.BrokerAddr, Topic: "BenchBatch", Batch: 32, Count: 1000, Queues: 3, Size: 100})
	if err != nil {
		t.Fatalf("produce: %v", err)
	}
	if res.Produced != 1000 || res.Requests != 32 { // 31 full batches and one of 8
		t.Fatalf("produced %d in %d requests, want 1000 in 32", res.Produced, res.Requests)
	}
	// The ConsumeQueue may trail the acknowledgements for a moment.
	ac, err := admin.New([]string{c.NamesrvAddr})
	if err != nil {
		t.Fatal(err)
	}
	defer ac.Close()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var stored int64
		queues, err := ac.TopicStatus(ctx, "BenchBatch")
		for _, q := range queues {
			stored += q.MaxOffset
		}
		if err == nil && stored == 1000 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the queues hold %d messages (%v), want 1000", stored, err)
		}
	}
	res, err = Run(ctx, Options{NamesrvAddrs: []string{c.NamesrvAddr}, Topic: "BenchBatch", Mode: Consume})
	if err != nil {
		t.Fatalf("consume: %v", err)
	}
	if res.Options.Queues != 3 || res.Consumed != 1000 || !res.Drained || res.OutOfOrder != 0 {
		t.Fatalf("consume over %d queues read %d (drained %t, out of order %d), want 3 and 1000",
			res.Options.Queues, res.Consumed, res.Drained, res.OutOfOrder)
	}
	res, err = Run(ctx, Options{NamesrvAddrs: []string{c.NamesrvAddr}, Topic: "BenchBatch", Mode: Consume, FromEnd: true})
	if !errors.Is(err, ErrNothingToConsume) {
		t.Fatalf("consume from the end: %v, want ErrNothingToConsume", err)
	}
}

func TestLatencyMode(t *testing.T) {
	c := startCluster(t)
	res, err := Run(context.Background(), Options{BrokerAddr: c.BrokerAddr, Mode: Latency, Count: 200})
	if err != nil {
		t.Fatal(err)
	}
	if res.Options.Conns != 1 || res.Options.InFlight != 1 || res.Produced != 200 || res.Latency.Count != 200 {
		t.Fatalf("latency run: %+v", res)
	}
}

func TestSendErrorsAreCounted(t *testing.T) {
	c := startCluster(t)
	// A body above the broker's 4 MiB limit is refused on every send.
	res, err := Run(context.Background(), Options{BrokerAddr: c.BrokerAddr, Mode: Latency, Count: 3, Size: 4<<20 + 1})
	if !errors.Is(err, ErrAllFailed) || res.SendErrors != 3 || !strings.Contains(res.FirstError, "MESSAGE_ILLEGAL") {
		t.Fatalf("err %v, %d send errors, first %q", err, res.SendErrors, res.FirstError)
	}
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want error
	}{
		{name: "no broker", opts: Options{}, want: ErrNoBroker},
		{name: "bad mode", opts: Options{BrokerAddr: "x:1", Mode: "fast"}, want: ErrBadOptions},
		{name: "negative conns", opts: Options{BrokerAddr: "x:1", Conns: -1}, want: ErrBadOptions},
		{name: "huge batch", opts: Options{BrokerAddr: "x:1", Batch: 1000, Size: 1 << 20}, want: ErrBadOptions},
		{name: "defaults", opts: Options{BrokerAddr: "x:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := tt.opts.withDefaults()
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if err == nil && (o.Duration != 10*time.Second || o.Conns != 4 || o.InFlight != 16 || o.Size != 1024 || o.Queues != 0) {
				t.Fatalf("defaults %+v", o)
			}
		})
	}
}

func TestCountRecords(t *testing.T) {
	host := netip.MustParseAddrPort("127.0.0.1:10911")
	var body []byte
	for i, off := range []int64{5, 6, 8} {
		var err error
		body, err = message.AppendRecord(body, &message.Message{Topic: "T", QueueOffset: off, BornHost: host,
			StoreHost: host, Body: []byte(strings.Repeat("x", i))})
		if err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name       string
		body       []byte
		n, bad     int
		wantErr    bool
		startsWith int64
	}{
		{name: "three with a gap", body: body, startsWith: 5, n: 3, bad: 1},
		{name: "empty", body: nil, startsWith: 0},
		{name: "truncated", body: body[:len(body)-3], startsWith: 5, n: 2, bad: 0, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, bad, err := countRecords(tt.body, tt.startsWith, nil)
			if n != tt.n || bad != tt.bad || (err != nil) != tt.wantErr {
				t.Fatalf("countRecords = %d, %d, %v; want %d, %d, error %t", n, bad, err, tt.n, tt.bad, tt.wantErr)
			}
		})
	}
}

// BenchmarkProduce loads an in-process broker for profiling:
// go test -run X -bench Produce -cpuprofile cpu.out ./mq/bench
func BenchmarkProduce(b *testing.B) {
	c := startCluster(b)
	b.ResetTimer()
	res, err := Run(context.Background(), Options{BrokerAddr: c.BrokerAddr, Count: int64(b.N), Conns: 8, InFlight: 16})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(res.ProduceRate(), "msgs/s")
	b.ReportMetric(float64(res.Latency.P99.Microseconds()), "p99-µs")
}

// TestExistingTopicKeepsItsQueues shows that producing into an existing
// topic leaves its queue count alone unless Queues asks for another one.
func TestExistingTopicKeepsItsQueues(t *testing.T) {
	c := startCluster(t)
	ctx := context.Background()
	ac, err := admin.New([]string{c.NamesrvAddr})
	if err != nil {
		t.Fatal(err)
	}
	defer ac.Close()
	if _, err := ac.CreateTopic(ctx, c.BrokerAddr, route.NewTopicConfig("BenchKeep", 3, route.PermRead|route.PermWrite)); err != nil {
		t.Fatal(err)
	}
	queues := func() int {
		rd, err := ac.Route(ctx, "BenchKeep")
		if err != nil || len(rd.QueueDatas) != 1 {
			t.Fatalf("route: %+v, %v", rd, err)
		}
		return rd.QueueDatas[0].WriteQueueNums
	}
	res, err := Run(ctx, Options{NamesrvAddrs: []string{c.NamesrvAddr}, Topic: "BenchKeep", Count: 30, Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Options.Queues != 3 || queues() != 3 {
		t.Fatalf("bench used %d queues and left the topic with %d, want 3 and 3", res.Options.Queues, queues())
	}
	if _, err := Run(ctx, Options{NamesrvAddrs: []string{c.NamesrvAddr}, Topic: "BenchKeep", Count: 30, Size: 10, Queues: 5}); err != nil {
		t.Fatal(err)
	}
	if got := queues(); got != 5 {
		t.Fatalf("with Queues 5 the topic has %d queues", got)
	}
}
