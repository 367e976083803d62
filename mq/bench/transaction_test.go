package bench

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
	"github.com/sagashop/sagashop/mq/standalone"
)

func TestTransactionMode(t *testing.T) {
	c := startCluster(t)
	tests := []struct {
		name   string
		verify bool
		work   time.Duration
	}{
		{name: "verified", verify: true},
		{name: "with local work", work: 2 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), Options{
				NamesrvAddrs: []string{c.NamesrvAddr}, Topic: "BenchTx", Mode: Transaction, Count: 300,
				Conns: 2, InFlight: 4, Queues: 4, Size: 64, Verify: tt.verify, TxWork: tt.work,
			})
			if err != nil {
				t.Fatalf("Run: %v\n%s", err, res)
			}
			t.Logf("\n%s", res)
			tr := res.Transaction
			if res.Produced != 300 || res.SendErrors != 0 || res.Latency.Count != 300 ||
				tr.HalfLatency.Count != 300 || tr.EndLatency.Count != 300 {
				t.Errorf("committed %d with %d errors; latencies counted %d, %d, %d",
					res.Produced, res.SendErrors, res.Latency.Count, tr.HalfLatency.Count, tr.EndLatency.Count)
			}
			if tr.Checks != 0 || tr.AlreadyResolved != 0 {
				t.Errorf("%d check-backs, %d already resolved in a healthy run", tr.Checks, tr.AlreadyResolved)
			}
			if res.Latency.P50 < tt.work || res.Latency.P50 < tr.HalfLatency.P50 {
				t.Errorf("a transaction's p50 %v is below its parts (work %v, half %v)", res.Latency.P50, tt.work, tr.HalfLatency.P50)
			}
			if tr.Verified != tt.verify {
				t.Errorf("verified %t, want %t", tr.Verified, tt.verify)
			}
			if tt.verify && (!tr.Exact || tr.Visible != 300 || tr.Extra != 0 || res.Consumed != 300) {
				t.Errorf("visible %d of 300, extra %d, consumed %d, exact %t", tr.Visible, tr.Extra, res.Consumed, tr.Exact)
			}
			for _, want := range []string{"mode         transaction", "300 transactions", "check-backs  0 received"} {
				if !strings.Contains(res.String(), want) {
					t.Errorf("String() lacks %q:\n%s", want, res)
				}
			}
		})
	}
}

// TestCheckBackCommits leaves a half message unresolved: the broker asks
// the producer group, and the bench's handler commits it.
func TestCheckBackCommits(t *testing.T) {
	b := broker.DefaultOptions()
	b.Config.StorePathRootDir = t.TempDir()
	b.Config.TransactionCheckInterval, b.Config.TransactionTimeOut = 100, 100
	c, err := standalone.Start(standalone.Options{NamesrvListen: "127.0.0.1:0", BrokerListen: "127.0.0.1:0", Broker: b})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	ac, err := admin.New([]string{c.NamesrvAddr})
	if err != nil {
		t.Fatal(err)
	}
	defer ac.Close()
	if _, err := ac.CreateTopic(ctx, c.BrokerAddr, route.NewTopicConfig("BenchCheck", 1, route.PermRead|route.PermWrite)); err != nil {
		t.Fatal(err)
	}
	o, err := Options{BrokerAddr: c.BrokerAddr, Topic: "BenchCheck", Mode: Transaction, Queues: 1}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	tx := newTxState(&o)
	tx.prefix = uniqPrefix()
	conn, err := remoting.Dial(ctx, c.BrokerAddr, remoting.HandlerFunc(tx.serve), remoting.ConnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { conn.Close(); conn.Wait() }()
	if err := tx.heartbeat(ctx, []*remoting.Conn{conn}); err != nil {
		t.Fatal(err)
	}
	half := newSendRequest(&o, []string{"0"}, tx.prefix, tx.halfProps(), message.TransactionPrepared)
	resp, err := conn.Invoke(ctx, half.prepare(0, 1, time.Now(), 1))
	if err != nil || resp.Err() != nil {
		t.Fatalf("half message: %v %v", err, resp.Err())
	}
	for deadline := time.Now().Add(10 * time.Second); tx.checkCommits.Load() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no check-back answered (%d received, %d ignored)", tx.checks.Load(), tx.checkIgnored.Load())
		}
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		ends, err := maxOffsets(ctx, conn, "BenchCheck", 1)
		if err == nil && ends[0] == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the committed message is not visible: ends %v, %v", ends, err)
		}
	}
}

func TestServeIgnores(t *testing.T) {
	o := DefaultOptions()
	host := netip.MustParseAddrPort("127.0.0.1:10911")
	record := func(props string) []byte {
		b, err := message.AppendRecord(nil, &message.Message{Topic: "T", BornHost: host, StoreHost: host, Properties: props})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name          string
		code          remoting.RequestCode
		body          []byte
		checks, ignor int64
	}{
		{name: "another group", code: remoting.CheckTransactionState, checks: 1, ignor: 1,
			body: record(message.PropProducerGroup + "\x01other\x02" + message.PropUniqKey + "\x01K\x02")},
		{name: "undecodable body", code: remoting.CheckTransactionState, body: []byte("junk"), checks: 1, ignor: 1},
		{name: "another request", code: remoting.NotifyConsumerIDsChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx := newTxState(&o)
			// Nothing is sent for these, so no connection is needed.
			if resp := tx.serve(nil, remoting.NewRequest(tt.code, nil, tt.body)); resp != nil {
				t.Errorf("replied %+v; the Go client never replies", resp)
			}
			if tx.checks.Load() != tt.checks || tx.checkIgnored.Load() != tt.ignor || tx.checkCommits.Load() != 0 {
				t.Errorf("checks %d, ignored %d, commits %d; want %d, %d, 0",
					tx.checks.Load(), tx.checkIgnored.Load(), tx.checkCommits.Load(), tt.checks, tt.ignor)
			}
		})
	}
}

func TestCommitLogOffset(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		want    int64
		wantErr bool
	}{
		{name: "ipv4", id: message.OffsetMsgID(netip.MustParseAddrPort("127.0.0.1:20911"), 4096), want: 4096},
		{name: "large", id: "7F000001000051AF00000001000000FF", want: 1<<32 + 255},
		{name: "short", id: "7F000001000051AF", wantErr: true},
		{name: "not hex", id: "7F000001000051AFzz00000000001000", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := commitLogOffset(tt.id)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Fatalf("commitLogOffset(%q) = %d, %v; want %d, error %t", tt.id, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
