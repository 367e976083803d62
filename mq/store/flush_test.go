package store

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSyncFlushVisibleAfterFsync holds the committer before its fsync and
// checks that nothing of the Put can be read until the fsync is done.
func TestSyncFlushVisibleAfterFsync(t *testing.T) {
	o := testOptions(t.TempDir(), SyncFlush)
	gate := make(chan struct{})
	reached := make(chan struct{}, 16)
	o.hooks = &hooks{beforeCommitSync: func() {
		reached <- struct{}{}
		<-gate
	}}
	var dispatched atomic.Int64
	o.OnDispatch = func(topic string, q int32, maxOffset, tags int64) { dispatched.Store(maxOffset) }
	s := openTest(t, o)

	res, err := s.Put([]Entry{entry("V", 0, "one")})
	if err != nil {
		t.Fatal(err)
	}
	durable := make(chan error, 1)
	s.OnDurable(res.EndOffset, func(err error) { durable <- err })
	<-reached // the committer is about to fsync
	if got := s.MaxOffset("V", 0); got != 0 {
		t.Fatalf("MaxOffset before fsync = %d", got)
	}
	if r, _ := s.GetMessages("V", 0, 0, 1, 0, 0, nil); r.Status != NoMessageInQueue {
		t.Fatalf("GetMessages before fsync: %v", r.Status)
	}
	if _, err := s.ReadAt(res.PhysicalOffset); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ReadAt before fsync: %v", err)
	}
	select {
	case <-durable:
		t.Fatal("OnDurable fired before the fsync")
	default:
	}
	if dispatched.Load() != 0 {
		t.Fatal("OnDispatch called before the fsync")
	}
	if s.CommitLogMaxOffset() != res.EndOffset {
		t.Fatalf("CommitLogMaxOffset = %d, want the written end %d", s.CommitLogMaxOffset(), res.EndOffset)
	}
	close(gate)
	if err := <-durable; err != nil {
		t.Fatal(err)
	}
	if got := s.MaxOffset("V", 0); got != 1 {
		t.Fatalf("MaxOffset after fsync = %d", got)
	}
	if dispatched.Load() != 1 {
		t.Fatalf("OnDispatch maxOffset = %d, want 1", dispatched.Load())
	}
	wantBodies(t, s, "V", 0, []string{"one"})
}

// TestGroupCommit shows many concurrent waiting Puts sharing fsyncs.
func TestGroupCommit(t *testing.T) {
	o := testOptions(t.TempDir(), SyncFlush)
	o.CommitLogSegmentSize = 1 << 30
	// A slow disk: each fsync round takes at least a millisecond.
	o.hooks = &hooks{beforeCommitSync: func() { time.Sleep(time.Millisecond) }}
	s := openTest(t, o)
	const senders, each = 64, 20
	var wg sync.WaitGroup
	for g := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				res, err := s.Put([]Entry{entry("G", int32(g%4), "x")})
				if err != nil {
					t.Error(err)
					return
				}
				done := make(chan error, 1)
				s.OnDurable(res.EndOffset, func(err error) { done <- err })
				if err := <-done; err != nil {
					t.Error(err)
					return
				}
				_ = i
			}
		}()
	}
	wg.Wait()
	puts, fsyncs := int64(senders*each), s.fsyncs.Load()
	t.Logf("%d puts, %d commitlog fsyncs", puts, fsyncs)
	if fsyncs == 0 || fsyncs > puts/8 {
		t.Fatalf("%d fsyncs for %d waiting puts: group commit is not sharing fsyncs", fsyncs, puts)
	}
	for q := range int32(4) {
		if got := s.MaxOffset("G", q); got != senders/4*each {
			t.Fatalf("queue %d has %d messages, want %d", q, got, senders/4*each)
		}
	}
}

// TestAsyncFlush checks that AsyncFlush makes a Put visible at once, and
// that the background flusher and Close fsync it and write the checkpoint.
func TestAsyncFlush(t *testing.T) {
	t.Run("periodic", func(t *testing.T) {
		o := testOptions(t.TempDir(), AsyncFlush)
		o.FlushInterval = 10 * time.Millisecond
		s := openTest(t, o)
		before := s.fsyncs.Load()
		res, err := s.Put([]Entry{entry("A", 0, "a")})
		if err != nil {
			t.Fatal(err)
		}
		if s.MaxOffset("A", 0) != 1 {
			t.Fatal("AsyncFlush Put not visible at once")
		}
		fired := false
		s.OnDurable(res.EndOffset, func(err error) { fired = err == nil })
		if !fired {
			t.Fatal("AsyncFlush OnDurable did not fire at once")
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			cp, ok, _ := readCheckpoint(o.Dir)
			if ok && cp.Flushed == res.EndOffset && cp.CQDurable == res.EndOffset && s.fsyncs.Load() > before {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("checkpoint never reached %d: %+v", res.EndOffset, cp)
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	t.Run("on close", func(t *testing.T) {
		o := testOptions(t.TempDir(), AsyncFlush)
		o.FlushInterval = time.Hour
		s := openTest(t, o)
		res := put(t, s, entry("A", 0, "a"), entry("A", 0, "b"))
		if cp, _, _ := readCheckpoint(o.Dir); cp.Flushed == res.EndOffset {
			t.Fatal("flushed before Close with a one-hour interval")
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		cp, ok, err := readCheckpoint(o.Dir)
		if !ok || err != nil || !cp.Clean || cp.Flushed != res.EndOffset || cp.CQDurable != res.EndOffset || cp.Queues != 1 {
			t.Fatalf("checkpoint after Close: %+v, %v", cp, err)
		}
		if _, err := os.Stat(filepath.Join(o.Dir, abortFile)); !os.IsNotExist(err) {
			t.Fatalf("abort marker left after Close: %v", err)
		}
	})
}

// TestOnDispatch checks OnDispatch's arguments in both modes.
func TestOnDispatch(t *testing.T) {
	for _, mode := range []FlushMode{AsyncFlush, SyncFlush} {
		t.Run(mode.String(), func(t *testing.T) {
			o := testOptions(t.TempDir(), mode)
			type call struct {
				topic     string
				q         int32
				max, tags int64
			}
			var mu sync.Mutex
			var calls []call
			o.OnDispatch = func(topic string, q int32, maxOffset, tags int64) {
				mu.Lock()
				calls = append(calls, call{topic, q, maxOffset, tags})
				mu.Unlock()
			}
			s := openTest(t, o)
			a, b := entry("D", 3, "a"), entry("D", 3, "b")
			a.TagsCode, b.TagsCode = 11, 22
			put(t, s, a, b)
			mu.Lock()
			defer mu.Unlock()
			want := []call{{"D", 3, 1, 11}, {"D", 3, 2, 22}}
			if len(calls) != 2 || calls[0] != want[0] || calls[1] != want[1] {
				t.Fatalf("OnDispatch calls %v, want %v", calls, want)
			}
		})
	}
}

func TestLockedDir(t *testing.T) {
	o := testOptions(t.TempDir(), AsyncFlush)
	openTest(t, o)
	if _, err := Open(o); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open of a directory: %v, want ErrLocked", err)
	}
}

func TestInvalidOptions(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Options)
	}{
		{"no dir", func(o *Options) { o.Dir = "" }},
		{"bad mode", func(o *Options) { o.FlushMode = 7 }},
		{"tiny segment", func(o *Options) { o.CommitLogSegmentSize = 100 }},
		{"bad hour", func(o *Options) { o.DeleteHours = []int{24} }},
		{"bad ratio", func(o *Options) { o.DiskMaxUsedSpaceRatio = 101 }},
		{"negative interval", func(o *Options) { o.FlushInterval = -1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testOptions(t.TempDir(), AsyncFlush)
			tt.edit(&o)
			if _, err := Open(o); !errors.Is(err, ErrInvalidOptions) {
				t.Fatalf("Open: %v, want ErrInvalidOptions", err)
			}
		})
	}
}
