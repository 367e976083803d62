package store

import (
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/message"
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
	o.indexSlots, o.indexEntries = 256, 1024
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

// crash stops s as kill -9 would leave it: whatever reached the mappings
// stays (the page cache survives), but no final checkpoint is written and
// the abort marker stays.
func (s *Store) crash() {
	s.closeOnce.Do(func() {
		s.writeMu.Lock()
		s.closed = true
		s.writeMu.Unlock()
		s.cancel()
		if s.sync {
			s.stopSync()
		}
		s.wg.Wait()
		s.flushMu.Lock()
		s.isClosed.Store(true)
		s.flushMu.Unlock()
		s.closeFiles()
		s.lock.Close()
	})
}

// entry builds one message for topic/queue. (The storetest helpers
// cannot be imported here: storetest imports this package.)
func entry(topic string, q int32, body string) Entry {
	return Entry{Msg: &message.Message{Topic: topic, QueueID: q, Body: []byte(body),
		Properties: "UNIQ_KEY\x01" + body, BornTimestamp: 1700000000000,
		BornHost: netip.MustParseAddrPort("192.0.2.7:40000"), StoreHost: netip.MustParseAddrPort("127.0.0.1:10911")}}
}

// put puts entries and waits until they are visible.
func put(t testing.TB, s *Store, entries ...Entry) PutResult {
	t.Helper()
	res, err := s.Put(entries)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	done := make(chan error, 1)
	s.OnDurable(res.EndOffset, func(err error) { done <- err })
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("OnDurable: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("OnDurable(%d) never fired", res.EndOffset)
	}
	return res
}

// decode decodes a whole record.
func decode(t testing.TB, rec []byte) message.Message {
	t.Helper()
	m, n, err := message.Decode(rec)
	if err != nil || n != len(rec) {
		t.Fatalf("decode record of %d bytes: n=%d err=%v", len(rec), n, err)
	}
	return m
}

// wantBodies checks that topic/q holds exactly bodies from offset 0.
func wantBodies(t testing.TB, s *Store, topic string, q int32, bodies []string) {
	t.Helper()
	if got := s.MaxOffset(topic, q); got != int64(len(bodies)) {
		t.Fatalf("MaxOffset(%s, %d) = %d, want %d", topic, q, got, len(bodies))
	}
	for off := int64(0); off < int64(len(bodies)); {
		res, err := s.GetMessages(topic, q, off, 32, 0, 0, nil)
		if err != nil || res.Status != Found {
			t.Fatalf("GetMessages(%s, %d, %d) = %v, %v", topic, q, off, res.Status, err)
		}
		for _, rec := range res.Records {
			m := decode(t, rec)
			if m.QueueOffset != off || string(m.Body) != bodies[off] {
				t.Fatalf("%s/%d offset %d: got offset %d body %q, want %q", topic, q, off, m.QueueOffset, m.Body, bodies[off])
			}
			if again, err := s.ReadAt(m.PhysicalOffset); err != nil || string(again) != string(rec) {
				t.Fatalf("ReadAt(%d) = %v", m.PhysicalOffset, err)
			}
			off++
		}
	}
}

// segPath is the path of the CommitLog segment holding off.
func segPath(dir string, segSize, off int64) string {
	return filepath.Join(dir, commitLogDir, segmentName(off/segSize*segSize))
}

func decodeRecord(rec []byte) (message.Message, int, error) { return message.Decode(rec) }
