package bench

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// Result holds the figures of one Run.
type Result struct {
	// Options are the options the run used, defaults and the broker
	// address filled in.
	Options Options

	// Produced counts messages acknowledged SUCCESS, in Requests requests.
	Produced int64
	Requests int64
	// SendErrors counts requests that failed or got another code.
	SendErrors int64
	// ProduceTime runs from the start to the last acknowledgement.
	ProduceTime time.Duration
	// Latency is per request, from the write to the reply.
	Latency Percentiles

	// Consumed counts messages pulled, in Pulls replies.
	Consumed int64
	Pulls    int64
	// PullErrors counts pulls that failed or got an unexpected code.
	PullErrors int64
	// OutOfOrder counts messages whose queue offset was not the next one.
	OutOfOrder int64
	// OffsetMoved counts PULL_OFFSET_MOVED replies.
	OffsetMoved int64
	// ConsumeTime runs from the start to the last reply with messages.
	ConsumeTime time.Duration

	// LagAtProduceEnd is produced minus consumed when producing stopped
	// (Both mode), and Lag the same after the drain.
	LagAtProduceEnd int64
	Lag             int64
	// Drained says the consumer reached the queues' ends (Both, and
	// Consume without a duration or count); DrainTime is how long that
	// took after producing stopped (Both).
	Drained   bool
	DrainTime time.Duration

	// FirstError is the first send or pull error, "" if none.
	FirstError string
}

func (r *Result) setProduced(p *producer, start time.Time) {
	r.Produced, r.Requests, r.SendErrors = p.acked.Load(), p.requests.Load(), p.errs.Load()
	r.Latency = p.hist.summary()
	if !p.lastAck.IsZero() {
		r.ProduceTime = p.lastAck.Sub(start)
	}
	if p.firstErr != nil && r.FirstError == "" {
		r.FirstError = p.firstErr.Error()
	}
}

func (r *Result) setConsumed(c *consumer, start time.Time) {
	r.Consumed, r.Pulls, r.PullErrors = c.consumed.Load(), c.pulls.Load(), c.errs.Load()
	r.OutOfOrder, r.OffsetMoved = c.outOfOrder.Load(), c.offsetMoved.Load()
	if last := c.lastMsg.Load(); last > 0 {
		r.ConsumeTime = time.Unix(0, last).Sub(start)
	}
	if c.firstErr != nil && r.FirstError == "" {
		r.FirstError = c.firstErr.Error()
	}
}

// err is ErrAllFailed when a side of the run did nothing but fail.
func (r *Result) err() error {
	if (r.Produced == 0 && r.SendErrors > 0) || (r.Consumed == 0 && r.PullErrors > 0) {
		return fmt.Errorf("%w: %s", ErrAllFailed, r.FirstError)
	}
	return nil
}

func rate(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// ProduceRate is produced messages per second.
func (r Result) ProduceRate() float64 { return rate(r.Produced, r.ProduceTime) }

// ProduceMBps is produced body megabytes (10^6 bytes) per second.
func (r Result) ProduceMBps() float64 {
	return r.ProduceRate() * float64(r.Options.Size) / 1e6
}

// ConsumeRate is consumed messages per second.
func (r Result) ConsumeRate() float64 { return rate(r.Consumed, r.ConsumeTime) }

// String prints the result as an aligned table.
func (r Result) String() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	o := r.Options
	fmt.Fprintf(tw, "mode\t%s\n", o.Mode)
	fmt.Fprintf(tw, "broker\t%s  topic %s, %d queues\n", o.BrokerAddr, o.Topic, o.Queues)
	if o.Mode != Consume {
		kind := "SEND_MESSAGE"
		if o.Batch > 1 {
			kind = fmt.Sprintf("SEND_BATCH_MESSAGE of %d", o.Batch)
		}
		fmt.Fprintf(tw, "load\t%d conns x %d in flight, %d-byte bodies, %s\n", o.Conns, o.InFlight, o.Size, kind)
		fmt.Fprintf(tw, "produced\t%d msgs in %s: %.0f msgs/s, %.1f MB/s (%d requests, %d errors)\n",
			r.Produced, secs(r.ProduceTime), r.ProduceRate(), r.ProduceMBps(), r.Requests, r.SendErrors)
		l := r.Latency
		fmt.Fprintf(tw, "latency\tp50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %s (per request)\n",
			ms(l.P50), ms(l.P90), ms(l.P99), ms(l.P999), ms(l.Max), ms(l.Mean))
	}
	if o.Mode == Consume || o.Mode == Both {
		fmt.Fprintf(tw, "consumed\t%d msgs in %s: %.0f msgs/s (%d pulls, %d errors, %d out of order, %d offset moved)\n",
			r.Consumed, secs(r.ConsumeTime), r.ConsumeRate(), r.Pulls, r.PullErrors, r.OutOfOrder, r.OffsetMoved)
	}
	if o.Mode == Both {
		fmt.Fprintf(tw, "lag\t%d at produce end, %d after drain (drained %t in %s)\n",
			r.LagAtProduceEnd, r.Lag, r.Drained, secs(r.DrainTime))
	}
	if r.FirstError != "" {
		fmt.Fprintf(tw, "first error\t%s\n", r.FirstError)
	}
	tw.Flush()
	return b.String()
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

func ms(d time.Duration) string { return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond)) }
