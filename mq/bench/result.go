package bench

import (
	"fmt"
	"io"
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
	// Extra counts messages in the topic's queues past what this run
	// produced, once drained (Transaction with Verify, Delay, DelayBurst):
	// a double commit or delivery would show here.
	Extra int64

	// Transaction holds the Transaction mode's own figures. Produced and
	// Requests count committed transactions there, SendErrors failed
	// ones, and Latency is per whole transaction.
	Transaction TransactionResult
	// Delay holds the Delay and DelayBurst modes' own figures. Produced
	// counts parked messages there, and Latency is per send.
	Delay DelayResult

	// FirstError is the first send or pull error, "" if none.
	FirstError string
}

// TransactionResult holds the figures of a Transaction run.
type TransactionResult struct {
	// HalfLatency is per half message (SEND_MESSAGE), EndLatency per
	// END_TRANSACTION, each from the write to the reply.
	HalfLatency Percentiles
	EndLatency  Percentiles
	// Checks counts CHECK_TRANSACTION_STATE requests received (none in a
	// healthy run), CheckCommits those answered with a commit,
	// CheckIgnored those for another group or undecodable, CheckErrors
	// answers that could not be sent.
	Checks, CheckCommits, CheckIgnored, CheckErrors int64
	// AlreadyResolved counts END_TRANSACTIONs the broker found resolved.
	AlreadyResolved int64
	// Verified says a consumer read the topic; then Visible counts the
	// distinct committed messages of this run it saw, Duplicates those seen
	// again, NotCommitted those without the commit type in sysFlag,
	// Foreign messages not sent by this run, Extra messages past the
	// committed ones, and Exact says Visible equals the committed count
	// with nothing duplicated, wrong or extra.
	Verified                                   bool
	Visible, Duplicates, NotCommitted, Foreign int64
	Extra                                      int64
	Exact                                      bool
}

// DelayResult holds the figures of a Delay or DelayBurst run. Times are
// from the start of the run.
type DelayResult struct {
	// Steps are the delay levels sent and when each started being sent.
	Steps []BurstStep
	// Burst says DelayBurst.
	Burst bool
	// Delivered counts this run's messages the consumer received, Early
	// those received before their due time (born timestamp + delay), and
	// Foreign other messages on the topic.
	Delivered, Early, Foreign int64
	// Lateness is arrival at the consumer − due time, for the messages
	// not early; MinLateness is the smallest, negative when any was early.
	Lateness    Percentiles
	MinLateness time.Duration
	// Restored is the store timestamp of each delivered copy − its due
	// time: how late the broker's scheduler re-stored it, the part of
	// Lateness before the consumer's pull (in whole milliseconds, and
	// meaningful when the bench and the broker share a clock).
	Restored Percentiles
	// FirstDelivery and LastDelivery are the first and last arrivals;
	// FirstDue and LastDue the earliest and latest due times delivered.
	FirstDelivery, LastDelivery time.Duration
	FirstDue, LastDue           time.Duration
	// ParkedBeforeDue says the last send was acknowledged before the first
	// message was due.
	ParkedBeforeDue bool
}

// BurstStep is a delay level of a run: when its messages were to start
// being sent (after the start of the run), how many were parked, and how
// long that took, from the first send to the last acknowledgement.
type BurstStep struct {
	DelayStep
	Start    time.Duration
	Parked   int64
	ParkTime time.Duration
}

// ParkRate is the step's parked messages per second of its ParkTime.
func (s BurstStep) ParkRate() float64 { return rate(s.Parked, s.ParkTime) }

// Spread is the time from the first delivery to the last.
func (d DelayResult) Spread() time.Duration { return d.LastDelivery - d.FirstDelivery }

// DeliveryRate is delivered messages per second of Spread.
func (d DelayResult) DeliveryRate() float64 { return rate(d.Delivered, d.Spread()) }

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
	switch {
	case o.Mode == Transaction:
		r.printTransaction(tw)
	case o.Mode.delayed():
		r.printDelay(tw)
	case o.Mode != Consume:
		kind := "SEND_MESSAGE"
		if o.Batch > 1 {
			kind = fmt.Sprintf("SEND_BATCH_MESSAGE of %d", o.Batch)
		}
		fmt.Fprintf(tw, "load\t%d conns x %d in flight, %d-byte bodies, %s\n", o.Conns, o.InFlight, o.Size, kind)
		fmt.Fprintf(tw, "produced\t%d msgs in %s: %.0f msgs/s, %.1f MB/s (%d requests, %d errors)\n",
			r.Produced, secs(r.ProduceTime), r.ProduceRate(), r.ProduceMBps(), r.Requests, r.SendErrors)
		printLatency(tw, "latency", r.Latency, "per request")
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

func printLatency(w io.Writer, name string, l Percentiles, what string) {
	fmt.Fprintf(w, "%s\tp50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %s (%s)\n",
		name, ms(l.P50), ms(l.P90), ms(l.P99), ms(l.P999), ms(l.Max), ms(l.Mean), what)
}

func (r Result) printTransaction(w io.Writer) {
	o, t := r.Options, r.Transaction
	fmt.Fprintf(w, "load\t%d conns x %d in flight, %d-byte bodies, half SEND_MESSAGE + END_TRANSACTION commit, local transaction %s\n",
		o.Conns, o.InFlight, o.Size, o.TxWork)
	fmt.Fprintf(w, "committed\t%d transactions in %s: %.0f tx/s (%d failed, %d already resolved)\n",
		r.Produced, secs(r.ProduceTime), r.ProduceRate(), r.SendErrors, t.AlreadyResolved)
	printLatency(w, "latency", r.Latency, "whole transaction")
	printLatency(w, "half", t.HalfLatency, "SEND_MESSAGE of the half message")
	printLatency(w, "end", t.EndLatency, "END_TRANSACTION")
	fmt.Fprintf(w, "check-backs\t%d received, %d answered with commit, %d ignored, %d unsent\n",
		t.Checks, t.CheckCommits, t.CheckIgnored, t.CheckErrors)
	if t.Verified {
		verdict := "exactly the committed messages"
		if !t.Exact {
			verdict = "NOT exactly the committed messages"
		}
		fmt.Fprintf(w, "visible\t%d of %d committed in %s (%d duplicates, %d not commit-type, %d extra, %d foreign): %s\n",
			t.Visible, r.Produced, secs(r.ConsumeTime), t.Duplicates, t.NotCommitted, t.Extra, t.Foreign, verdict)
	}
}

func (r Result) printDelay(w io.Writer) {
	o, d := r.Options, r.Delay
	var levels []string
	for _, st := range d.Steps {
		l := fmt.Sprintf("DELAY=%d (%s)", st.Level, st.Delay)
		if len(d.Steps) > 1 {
			l += " from +" + secs(st.Start)
		}
		levels = append(levels, l)
	}
	fmt.Fprintf(w, "load\t%d conns x %d in flight, %d-byte bodies, SEND_MESSAGE with %s\n",
		o.Conns, o.InFlight, o.Size, strings.Join(levels, ", "))
	if len(d.Steps) > 1 {
		fmt.Fprintf(w, "parked\t%d msgs by %s (%d errors), by level:\n", r.Produced, secs(r.ProduceTime), r.SendErrors)
		for _, st := range d.Steps {
			fmt.Fprintf(w, "\t  DELAY=%d: %d msgs from +%s in %s: %.0f msgs/s\n",
				st.Level, st.Parked, secs(st.Start), secs(st.ParkTime), st.ParkRate())
		}
	} else {
		fmt.Fprintf(w, "parked\t%d msgs in %s: %.0f msgs/s (%d errors)\n", r.Produced, secs(r.ProduceTime), r.ProduceRate(), r.SendErrors)
	}
	printLatency(w, "send", r.Latency, "per SEND_MESSAGE")
	fmt.Fprintf(w, "delivered\t%d of %d, %s from first to last: %.0f msgs/s (%d missing, %d extra, %d foreign)\n",
		d.Delivered, r.Produced, secs(d.Spread()), d.DeliveryRate(), r.Produced-d.Delivered, r.Extra, d.Foreign)
	fmt.Fprintf(w, "due\tfirst at %s, last at %s (window %s); all parked before the first was due: %t\n",
		secs(d.FirstDue), secs(d.LastDue), secs(d.LastDue-d.FirstDue), d.ParkedBeforeDue)
	fmt.Fprintf(w, "deliveries\tfirst at %s, last at %s (spread %s)\n", secs(d.FirstDelivery), secs(d.LastDelivery), secs(d.Spread()))
	printLatency(w, "lateness", d.Lateness, "arrival at the consumer - (born + delay)")
	printLatency(w, "re-stored", d.Restored, "store timestamp of the delivered copy - (born + delay)")
	if d.Early > 0 {
		fmt.Fprintf(w, "early\t%d delivered before their due time (min lateness %s): is -delay the broker's delay for the level?\n",
			d.Early, ms(d.MinLateness))
	}
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2fs", d.Seconds()) }

func ms(d time.Duration) string { return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond)) }
