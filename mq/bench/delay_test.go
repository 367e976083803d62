package bench

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/standalone"
)

// startDelayCluster runs a cluster whose delay table is short enough for
// tests.
func startDelayCluster(t *testing.T, table string) *standalone.Cluster {
	t.Helper()
	b := broker.DefaultOptions()
	b.Config.StorePathRootDir = t.TempDir()
	b.Config.MessageDelayLevel = table
	c, err := standalone.Start(standalone.Options{NamesrvListen: "127.0.0.1:0", BrokerListen: "127.0.0.1:0", Broker: b})
	if err != nil {
		t.Fatalf("start cluster: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestDelayModes(t *testing.T) {
	c := startDelayCluster(t, "300ms 600ms")
	tests := []struct {
		name  string
		opts  Options
		steps []DelayStep // as reported, longest first
		early bool        // -delay longer than the broker's: all arrive "early"
	}{
		{name: "delay", opts: Options{Mode: Delay, DelayLevel: 1, Delay: 300 * time.Millisecond},
			steps: []DelayStep{{1, 300 * time.Millisecond}}},
		{name: "burst, one level", opts: Options{Mode: DelayBurst, DelayLevel: 2, Delay: 600 * time.Millisecond},
			steps: []DelayStep{{2, 600 * time.Millisecond}}},
		{name: "burst, staggered", opts: Options{Mode: DelayBurst,
			BurstLevels: []DelayStep{{1, 300 * time.Millisecond}, {2, 600 * time.Millisecond}}},
			steps: []DelayStep{{2, 600 * time.Millisecond}, {1, 300 * time.Millisecond}}},
		{name: "wrong delay", opts: Options{Mode: Delay, DelayLevel: 1, Delay: 5 * time.Second},
			steps: []DelayStep{{1, 5 * time.Second}}, early: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.NamesrvAddrs, o.Topic, o.Count = []string{c.NamesrvAddr}, "BenchDelay", 400
			o.Conns, o.InFlight, o.Queues, o.Size = 2, 4, 4, 64
			res, err := Run(context.Background(), o)
			if err != nil {
				t.Fatalf("Run: %v\n%s", err, res)
			}
			t.Logf("\n%s", res)
			d := res.Delay
			if res.Produced != 400 || d.Delivered != 400 || res.Extra != 0 || d.Foreign != 0 || !res.Drained {
				t.Fatalf("parked %d, delivered %d of 400 (extra %d, foreign %d, drained %t)",
					res.Produced, d.Delivered, res.Extra, d.Foreign, res.Drained)
			}
			if len(d.Steps) != len(tt.steps) {
				t.Fatalf("steps %+v, want %+v", d.Steps, tt.steps)
			}
			var parked int64
			for i, st := range d.Steps {
				parked += st.Parked
				if st.DelayStep != tt.steps[i] || st.Start != tt.steps[0].Delay-st.Delay {
					t.Errorf("step %d is %+v, want %+v from +%v", i, st, tt.steps[i], tt.steps[0].Delay-st.Delay)
				}
			}
			if parked != 400 {
				t.Errorf("the steps parked %d, want 400", parked)
			}
			if tt.early {
				if d.Early != 400 || d.MinLateness >= 0 || !strings.Contains(res.String(), "400 delivered before their due time") {
					t.Errorf("%d early (min lateness %v), want all 400 flagged", d.Early, d.MinLateness)
				}
				return
			}
			if d.Early != 0 || d.Lateness.Count != 400 || d.Lateness.Max > 5*time.Second {
				t.Errorf("%d early, lateness %+v", d.Early, d.Lateness)
			}
			// The broker re-stores a message before the consumer gets it.
			if d.Restored.Count != 400 || d.Restored.Max > d.Lateness.Max+time.Millisecond {
				t.Errorf("re-stored %+v, lateness %+v", d.Restored, d.Lateness)
			}
			// Due times are born + delay, with born in whole milliseconds.
			if longest := tt.steps[0].Delay; d.FirstDue < longest-time.Millisecond || d.FirstDelivery < d.FirstDue || d.LastDelivery < d.FirstDelivery {
				t.Errorf("first due %v, first delivery %v, last %v; want due at or after %v", d.FirstDue, d.FirstDelivery, d.LastDelivery, longest)
			}
			if !d.ParkedBeforeDue { // a matter of load, not of correctness
				t.Logf("not all parked before the first was due (last ack at %v, first due at %v)", res.ProduceTime, d.FirstDue)
			}
			for _, want := range []string{"parked", "lateness", "spread", "400 of 400"} {
				if !strings.Contains(res.String(), want) {
					t.Errorf("String() lacks %q:\n%s", want, res)
				}
			}
		})
	}
}

func TestDelayOptions(t *testing.T) {
	tests := []struct {
		name  string
		opts  Options
		want  error
		level int
		delay time.Duration
		count int64
	}{
		{name: "delay defaults", opts: Options{Mode: Delay}, level: 1, delay: time.Second},
		{name: "burst defaults", opts: Options{Mode: DelayBurst}, level: 3, delay: 10 * time.Second, count: 100_000},
		{name: "level from the default table", opts: Options{Mode: Delay, DelayLevel: 16}, level: 16, delay: 30 * time.Minute},
		{name: "burst levels sorted", opts: Options{Mode: DelayBurst, Count: 10,
			BurstLevels: []DelayStep{{1, time.Second}, {4, 10 * time.Second}}}, level: 4, delay: 10 * time.Second, count: 10},
		{name: "level past the default table", opts: Options{Mode: Delay, DelayLevel: 19}, want: ErrBadOptions},
		{name: "negative level", opts: Options{Mode: Delay, DelayLevel: -1}, want: ErrBadOptions},
		{name: "batch", opts: Options{Mode: Delay, Batch: 4}, want: ErrBadOptions},
		{name: "transaction batch", opts: Options{Mode: Transaction, Batch: 4}, want: ErrBadOptions},
		{name: "negative tx work", opts: Options{Mode: Transaction, TxWork: -1}, want: ErrBadOptions},
		{name: "burst levels in delay mode", opts: Options{Mode: Delay, BurstLevels: []DelayStep{{1, time.Second}}}, want: ErrBadOptions},
		{name: "burst level without delay", opts: Options{Mode: DelayBurst, BurstLevels: []DelayStep{{1, 0}}}, want: ErrBadOptions},
		{name: "staggered for a duration", opts: Options{Mode: DelayBurst, Duration: time.Second,
			BurstLevels: []DelayStep{{1, time.Second}, {2, 2 * time.Second}}}, want: ErrBadOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.BrokerAddr = "x:1"
			o, err := tt.opts.withDefaults()
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if err != nil {
				return
			}
			if o.DelayLevel != tt.level || o.Delay != tt.delay || o.Count != tt.count {
				t.Errorf("level %d, delay %v, count %d; want %d, %v, %d", o.DelayLevel, o.Delay, o.Count, tt.level, tt.delay, tt.count)
			}
			if len(o.BurstLevels) > 0 && o.BurstLevels[0].Delay < o.BurstLevels[len(o.BurstLevels)-1].Delay {
				t.Errorf("burst levels not longest first: %+v", o.BurstLevels)
			}
		})
	}
}
