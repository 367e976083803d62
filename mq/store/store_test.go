package store

import (
	"testing"
	"time"
)

// testOptions are small-segment options for dir.
func testOptions(dir string, mode FlushMode) Options {
	o := DefaultOptions()
	o.Dir = dir
	o.FlushMode = mode
	o.FlushInterval = 20 * time.Millisecond
	o.CommitLogSegmentSize = 64 << 10
	o.ConsumeQueueSegmentEntries = 8
	o.DiskUsage = func(string) (uint64, uint64, error) { return 1, 100, nil }
	return o
}

func openTest(t testing.TB, o Options) *Store {
	t.Helper()
	s, err := Open(o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

