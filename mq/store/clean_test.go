package store

import (
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is an Options.Now that tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// fakeDisk is an Options.DiskUsage reporting a used percentage.
type fakeDisk struct{ percent atomic.Uint64 }

func (d *fakeDisk) usage(string) (uint64, uint64, error) { return d.percent.Load(), 100, nil }

// atHour is a time at the given local hour, at least 76h from now.
func atHour(hour int) time.Time {
	b := time.Now().Add(100 * time.Hour)
	return time.Date(b.Year(), b.Month(), b.Day(), hour, 30, 0, 0, time.Local)
}

// retentionStore fills 4 KiB segments with messages of three queues.
func retentionStore(t *testing.T, cleanInterval time.Duration) (*Store, Options, *fakeClock, *fakeDisk) {
	clock := &fakeClock{t: time.Now()}
	disk := &fakeDisk{}
	disk.percent.Store(10)
	o := testOptions(t.TempDir(), AsyncFlush)
	o.CommitLogSegmentSize = 4096
	o.ConsumeQueueSegmentEntries = 4
	o.DeleteHours = []int{4}
	o.CleanInterval = cleanInterval
	o.Now, o.DiskUsage = clock.Now, disk.usage
	s := openTest(t, o)
	for i := range 90 {
		put(t, s, entry("R", int32(i%3), bodyOf(i)))
	}
	return s, o, clock, disk
}

func TestRetention(t *testing.T) {
	tests := []struct {
		name    string
		now     func() time.Time
		percent uint64
		deletes bool
	}{
		{"expired, not a delete hour", func() time.Time { return atHour(5) }, 10, false},
		{"expired, at the delete hour", func() time.Time { return atHour(4) }, 10, true},
		{"delete hour, not expired", func() time.Time { return time.Now().Add(time.Hour) }, 10, false},
		{"expired, disk past the ratio", func() time.Time { return atHour(5) }, 80, true},
		{"disk past the ratio, not expired", func() time.Time { return time.Now().Add(time.Hour) }, 80, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, o, clock, disk := retentionStore(t, time.Hour)
			segs := len(s.cl.segs)
			lastBase := s.cl.segs[segs-1].base
			clock.Set(tt.now())
			disk.percent.Store(tt.percent)
			s.cleanOnce()
			if !tt.deletes {
				if s.CommitLogMinOffset() != 0 || s.MinOffset("R", 0) != 0 {
					t.Fatalf("deleted: commitlog min %d, queue min %d", s.CommitLogMinOffset(), s.MinOffset("R", 0))
				}
				return
			}
			if got := s.CommitLogMinOffset(); got != lastBase {
				t.Fatalf("CommitLogMinOffset = %d, want %d (all but the last of %d segments deleted)", got, lastBase, segs)
			}
			if _, err := s.ReadAt(0); !errors.Is(err, ErrNotFound) {
				t.Fatalf("ReadAt(0) after deletion: %v", err)
			}
			wantMax := []int64{30, 30, 30}
			checkMoved := func(s *Store) {
				t.Helper()
				for q := range int32(3) {
					min, max := s.MinOffset("R", q), s.MaxOffset("R", q)
					if min == 0 || min > max || max != wantMax[q] {
						t.Fatalf("queue %d: min %d, max %d", q, min, max)
					}
					res, _ := s.GetMessages("R", q, 0, 32, 0, 0, nil)
					if res.Status != OffsetTooSmall || res.NextBeginOffset != min {
						t.Fatalf("queue %d below min: %v next %d, want OFFSET_TOO_SMALL next %d", q, res.Status, res.NextBeginOffset, min)
					}
					if min < max {
						res, _ = s.GetMessages("R", q, min, 32, 0, 0, nil)
						if res.Status != Found || int64(len(res.Records)) != max-min {
							t.Fatalf("queue %d from min: %v, %d records", q, res.Status, len(res.Records))
						}
						if m := decode(t, res.Records[0]); m.PhysicalOffset < s.CommitLogMinOffset() || m.QueueOffset != min {
							t.Fatalf("queue %d: first record %d at %d", q, m.QueueOffset, m.PhysicalOffset)
						}
					}
					if got := s.SearchOffset("R", q, 0); got != min {
						t.Fatalf("queue %d: SearchOffset(0) = %d, want min %d", q, got, min)
					}
				}
			}
			checkMoved(s)
			cqFiles, _ := listSegments(filepath.Join(o.Dir, consumeQueueDir, "R", "0"))
			if len(cqFiles) == 0 || cqFiles[0].base == 0 {
				t.Fatalf("consume queue files not deleted: %+v", cqFiles)
			}
			if tt.percent > 75 {
				if _, err := s.Put([]Entry{entry("R", 0, "x")}); !errors.Is(err, ErrDiskFull) {
					t.Fatalf("Put with the disk past the ratio: %v", err)
				}
				disk.percent.Store(10)
				s.cleanOnce()
				put(t, s, entry("R", 0, "x"))
				wantMax[0]++
			}
			s.Close()
			checkMoved(openTest(t, o))
		})
	}
}

// TestDiskFullWakesCleaner relies on the goroutines alone: a Put finds the
// disk past the ratio, fails, and the cleaner deletes at once.
func TestDiskFullWakesCleaner(t *testing.T) {
	s, _, clock, disk := retentionStore(t, time.Hour)
	clock.Set(atHour(5))
	disk.percent.Store(90)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := s.Put([]Entry{entry("R", 0, "x")})
		if errors.Is(err, ErrDiskFull) && s.CommitLogMinOffset() > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("disk full not acted on: put err %v, commitlog min %d", err, s.CommitLogMinOffset())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestCleanerDeletesOnSchedule runs the cleaner goroutine on its ticker.
func TestCleanerDeletesOnSchedule(t *testing.T) {
	s, _, clock, _ := retentionStore(t, 5*time.Millisecond)
	clock.Set(atHour(4))
	deadline := time.Now().Add(5 * time.Second)
	for s.CommitLogMinOffset() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("cleaner never deleted")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
