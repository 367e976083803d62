package bench

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketBounds(t *testing.T) {
	prev := -1
	for _, ns := range []uint64{0, 1, 127, 128, 129, 255, 256, 1000, 1 << 20, 1<<maxBits - 1, 1 << maxBits, 1 << 62} {
		b := bucketOf(ns)
		if b < prev || b >= numBuckets {
			t.Fatalf("bucketOf(%d) = %d after %d (of %d)", ns, b, prev, numBuckets)
		}
		prev = b
		if ns < 1<<maxBits {
			mid := bucketMid(b)
			if diff := float64(mid) - float64(ns); diff < -float64(ns)/64-1 || diff > float64(ns)/64+1 {
				t.Errorf("bucketMid(bucketOf(%d)) = %d, more than 1/64 away", ns, mid)
			}
		}
	}
}

func TestQuantiles(t *testing.T) {
	tests := []struct {
		name string
		gen  func(i int) time.Duration
		n    int
	}{
		{name: "uniform 0-10ms", n: 100000, gen: func(int) time.Duration { return time.Duration(rand.Int64N(int64(10 * time.Millisecond))) }},
		{name: "constant", n: 1000, gen: func(int) time.Duration { return 250 * time.Microsecond }},
		{name: "long tail", n: 10000, gen: func(i int) time.Duration {
			if i%100 == 0 {
				return 50 * time.Millisecond
			}
			return time.Duration(100+i%1000) * time.Microsecond
		}},
		{name: "single", n: 1, gen: func(int) time.Duration { return 3 * time.Millisecond }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a, b histogram
			vals := make([]time.Duration, tt.n)
			for i := range vals {
				vals[i] = tt.gen(i)
				if i%2 == 0 {
					a.record(vals[i])
				} else {
					b.record(vals[i])
				}
			}
			a.merge(&b)
			slices.Sort(vals)
			for _, q := range []float64{0.5, 0.9, 0.99, 0.999, 1} {
				idx := int(q*float64(len(vals))+0.999999) - 1
				want := vals[max(min(idx, len(vals)-1), 0)]
				got := a.quantile(q)
				if d := got - want; d < -want/50-1 || d > want/50+1 {
					t.Errorf("q%.3f = %v, exact %v", q, got, want)
				}
			}
			if s := a.summary(); s.Count != int64(tt.n) || s.Max != vals[len(vals)-1] {
				t.Errorf("summary %+v", s)
			}
		})
	}
}

func BenchmarkRecord(b *testing.B) {
	var h histogram
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		h.record(time.Duration(i) * 37)
	}
}
