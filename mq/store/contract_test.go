package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/store"
	"github.com/sagashop/sagashop/mq/store/storetest"
)

// TestContract runs the contract suite in both flush modes, with segments
// small enough to roll over inside the suite and with the default size.
func TestContract(t *testing.T) {
	for _, mode := range []store.FlushMode{store.AsyncFlush, store.SyncFlush} {
		for _, seg := range []int64{4 << 10, 1 << 30} {
			t.Run(fmt.Sprintf("%v/segment=%d", mode, seg), func(t *testing.T) {
				t.Parallel()
				storetest.Run(t, func(t *testing.T, dir string) store.MessageStore {
					o := store.DefaultOptions()
					o.Dir, o.FlushMode, o.FlushInterval = dir, mode, 20*time.Millisecond
					o.CommitLogSegmentSize = seg
					if seg < 1<<20 {
						o.ConsumeQueueSegmentEntries = 4
					}
					o.DiskUsage = func(string) (uint64, uint64, error) { return 1, 100, nil }
					s, err := store.Open(o)
					if err != nil {
						t.Fatalf("Open: %v", err)
					}
					return s
				})
			})
		}
	}
}
