package store

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestStressRetentionAndDelete runs writers, readers, the cleaner (always
// at a delete hour, everything expired) and DeleteTopic at once over tiny
// segments, so that segments are unmapped while others read and flush.
// It checks that nothing crashes, races or returns malformed records.
func TestStressRetentionAndDelete(t *testing.T) {
	for _, mode := range []FlushMode{AsyncFlush, SyncFlush} {
		t.Run(mode.String(), func(t *testing.T) {
			clock := &fakeClock{t: atHour(4)}
			o := testOptions(t.TempDir(), mode)
			o.CommitLogSegmentSize = 4096
			o.ConsumeQueueSegmentEntries = 4
			o.FlushInterval = 2 * time.Millisecond
			o.CleanInterval = time.Millisecond
			o.DeleteHours = []int{4}
			o.Now = clock.Now
			s := openTest(t, o)
			var stop atomic.Bool
			var wg sync.WaitGroup
			fail := make(chan string, 1)
			report := func(msg string) {
				select {
				case fail <- msg:
				default:
				}
			}
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; !stop.Load(); i++ {
						topic := []string{"S1", "S2"}[w%2]
						if _, err := s.Put([]Entry{entry(topic, int32(i%2), bodyOf(i)), entry(topic, int32(i%2), "b")}); err != nil {
							report(err.Error())
							return
						}
					}
				}()
			}
			for r := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for !stop.Load() {
						topic := []string{"S1", "S2"}[r]
						for q := range int32(2) {
							min := s.MinOffset(topic, q)
							res, err := s.GetMessages(topic, q, min, 32, 0, 0, nil)
							if err != nil {
								report(err.Error())
								return
							}
							for _, rec := range res.Records {
								if _, _, err := decodeRecord(rec); err != nil {
									report(err.Error())
									return
								}
							}
							s.SearchOffset(topic, q, time.Now().UnixMilli())
						}
					}
				}()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !stop.Load() {
					if err := s.DeleteTopic("S2"); err != nil {
						report(err.Error())
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			}()
			// Run for 400ms and until a few segments were written.
			deadline := time.Now().Add(10 * time.Second)
			time.Sleep(400 * time.Millisecond)
			for s.CommitLogMaxOffset() < 4*4096 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			stop.Store(true)
			wg.Wait()
			select {
			case msg := <-fail:
				t.Fatal(msg)
			default:
			}
			if err := s.Flush(); err != nil {
				t.Fatal(err)
			}
			s.cleanOnce()
			if s.CommitLogMinOffset() == 0 {
				t.Fatalf("retention never ran (commitlog end %d)", s.CommitLogMaxOffset())
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = openTest(t, o)
			for q := range int32(2) {
				min, max := s.MinOffset("S1", q), s.MaxOffset("S1", q)
				res, err := s.GetMessages("S1", q, min, 100000, 0, 100000, nil)
				if err != nil || int64(len(res.Records)) != max-min {
					t.Fatalf("after reopen queue %d: %d records for [%d, %d): %v", q, len(res.Records), min, max, err)
				}
			}
		})
	}
}
