package load

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Latency holds every sample of one latency, sorted ascending.
type Latency struct {
	Samples []time.Duration
}

// Count is the number of samples.
func (l Latency) Count() int { return len(l.Samples) }

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100), 0
// without samples.
func (l Latency) Percentile(p float64) time.Duration {
	n := len(l.Samples)
	if n == 0 {
		return 0
	}
	i := int(math.Ceil(float64(n)*p/100-1e-9)) - 1 // nearest rank, robust to float error
	return l.Samples[min(max(i, 0), n-1)]
}

// Max returns the largest sample, 0 without samples.
func (l Latency) Max() time.Duration { return l.Percentile(100) }

// Result is the outcome of Run. Every created order ends in exactly one of
// Rejected, Paid, Abandoned or Failed; Attempted minus Created is the number
// of failed creates.
type Result struct {
	Buyers        int
	PayShare      float64
	Restock       int64         // units added to each SKU before the run
	RestockedSKUs int           // SKUs restocked before the run
	Elapsed       time.Duration // from start until the last buyer finished

	Attempted int  // POST /v1/orders sent
	Created   int  // accepted by the order service
	Awaiting  int  // reached AWAITING_PAYMENT
	Rejected  int  // CANCELLED(OUT_OF_STOCK)
	Paid      int  // paid and seen PAID
	Abandoned int  // left unpaid on purpose
	Failed    int  // created orders whose flow ended in an error
	Polls     int  // blocking GET /v1/orders/{order_sn} sent while waiting for a state
	SoldOut   bool // buyers stopped because nothing was in stock

	// Errors counts errors by kind ("create: 503 UNAVAILABLE", "await:
	// timeout", "poll: transport", ...), including failed creates and GETs
	// that were retried.
	Errors map[string]int

	CreateToAwaiting Latency // from the start of the POST of the order
	PayToPaid        Latency // from the start of the POST of the payment
}

func newResult(o Options, elapsed time.Duration, all []stats) *Result {
	r := &Result{Buyers: o.Buyers, PayShare: o.PayShare, Restock: o.Restock, Elapsed: elapsed, Errors: map[string]int{}}
	for _, s := range all {
		r.Attempted += s.attempted
		r.Created += s.created
		r.Awaiting += s.awaiting
		r.Rejected += s.rejected
		r.Paid += s.paid
		r.Abandoned += s.abandoned
		r.Failed += s.failed
		r.Polls += s.polls
		r.SoldOut = r.SoldOut || s.soldOut
		for k, n := range s.errors {
			r.Errors[k] += n
		}
		r.CreateToAwaiting.Samples = append(r.CreateToAwaiting.Samples, s.createLat...)
		r.PayToPaid.Samples = append(r.PayToPaid.Samples, s.payLat...)
	}
	slices.Sort(r.CreateToAwaiting.Samples)
	slices.Sort(r.PayToPaid.Samples)
	return r
}

// PerSecond returns n per second of Elapsed.
func (r *Result) PerSecond(n int) float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(n) / r.Elapsed.Seconds()
}

// Write prints r as text: the counts, the throughput, a latency table and
// the errors by kind.
func (r *Result) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "load: %d buyers, pay share %.2f, %s\n", r.Buyers, r.PayShare, r.Elapsed.Round(time.Millisecond))
	if r.Restock > 0 {
		fmt.Fprintf(&b, "restocked: %d SKUs by %d units each before the run\n", r.RestockedSKUs, r.Restock)
	}
	fmt.Fprintf(&b, "orders: attempted %d, created %d, awaiting payment %d, rejected (out of stock) %d, paid %d, abandoned %d, failed %d\n",
		r.Attempted, r.Created, r.Awaiting, r.Rejected, r.Paid, r.Abandoned, r.Failed)
	fmt.Fprintf(&b, "throughput: created %.1f orders/s, paid (created -> paid end to end) %.1f orders/s\n",
		r.PerSecond(r.Created), r.PerSecond(r.Paid))
	if r.Created > 0 {
		fmt.Fprintf(&b, "polls: %d GETs of orders while waiting, %.1f per created order\n", r.Polls, float64(r.Polls)/float64(r.Created))
	}
	if r.SoldOut {
		b.WriteString("note: buyers stopped early, nothing left in stock\n")
	}
	b.WriteByte('\n')
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%-16s\tcount\tp50\tp90\tp99\tmax\t\n", "latency")
	for _, l := range []struct {
		name string
		l    Latency
	}{{"create->awaiting", r.CreateToAwaiting}, {"pay->paid", r.PayToPaid}} {
		fmt.Fprintf(tw, "%-16s\t%d\t%s\t%s\t%s\t%s\t\n", l.name, l.l.Count(), ms(l.l.Percentile(50)),
			ms(l.l.Percentile(90)), ms(l.l.Percentile(99)), ms(l.l.Max()))
	}
	_ = tw.Flush() // writes to a strings.Builder cannot fail
	if len(r.Errors) > 0 {
		b.WriteString("\nerrors by kind:\n")
		kinds := make([]string, 0, len(r.Errors))
		for k := range r.Errors {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			fmt.Fprintf(&b, "  %6d  %s\n", r.Errors[k], k)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ms formats d in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }
