package bench

import (
	"math/bits"
	"time"
)

// The histogram is log-linear, as HdrHistogram: values below 2^subBits
// nanoseconds have a bucket each; above, every power of two is split into
// 2^(subBits-1) equal buckets, so a bucket is at most 1/64 (1.6%) of its
// value wide. Values are capped at 2^maxBits ns (about 18 minutes).
const (
	subBits    = 7
	subHalf    = 1 << (subBits - 1)
	maxBits    = 40
	numBuckets = 1<<subBits + (maxBits-subBits)*subHalf
)

// histogram counts durations. It is not safe for concurrent use: each
// goroutine records into its own and they are merged at the end.
type histogram struct {
	counts [numBuckets]uint64
	n      uint64
	sum    time.Duration
	max    time.Duration
}

func bucketOf(ns uint64) int {
	if ns < 1<<subBits {
		return int(ns)
	}
	if ns >= 1<<maxBits {
		ns = 1<<maxBits - 1
	}
	shift := bits.Len64(ns) - subBits // 1 .. maxBits-subBits
	return 1<<subBits + (shift-1)*subHalf + int(ns>>shift) - subHalf
}

// bucketMid is the middle of bucket i's range, in nanoseconds.
func bucketMid(i int) uint64 {
	if i < 1<<subBits {
		return uint64(i)
	}
	i -= 1 << subBits
	shift := i/subHalf + 1
	lo := uint64(i%subHalf+subHalf) << shift
	return lo + (uint64(1)<<shift)/2
}

// record adds one duration.
func (h *histogram) record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucketOf(uint64(d))]++
	h.n++
	h.sum += d
	h.max = max(h.max, d)
}

// merge adds o's counts to h.
func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// quantile returns the value at or below which a fraction q of the
// recorded durations lie (bucket middle; the exact max for q = 1).
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.999999)
	if rank >= h.n {
		return h.max
	}
	rank = max(rank, 1)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(bucketMid(i)), h.max)
		}
	}
	return h.max
}

// Percentiles summarise request latencies.
type Percentiles struct {
	Count int64
	Mean  time.Duration
	P50   time.Duration
	P90   time.Duration
	P99   time.Duration
	P999  time.Duration
	Max   time.Duration
}

func (h *histogram) summary() Percentiles {
	l := Percentiles{Count: int64(h.n), Max: h.max,
		P50: h.quantile(0.5), P90: h.quantile(0.9), P99: h.quantile(0.99), P999: h.quantile(0.999)}
	if h.n > 0 {
		l.Mean = h.sum / time.Duration(h.n)
	}
	return l
}
