package store

import (
	"net/netip"
	"testing"

	"github.com/sagashop/sagashop/mq/message"
)

func benchStore(b *testing.B, mode FlushMode) *Store {
	b.Helper()
	o := DefaultOptions()
	o.Dir, o.FlushMode = b.TempDir(), mode
	o.CommitLogSegmentSize = 256 << 20
	s, err := Open(o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// benchMessage is a 1 KiB message with the properties a Go producer sends.
func benchMessage(q int32) *message.Message {
	return &message.Message{Topic: "BenchTopic", QueueID: q, Body: make([]byte, 1024),
		Properties:    "TAGS\x01TagA\x02KEYS\x01order-123\x02UNIQ_KEY\x01C0A8000100002A9F000000000001\x02CLUSTER\x01DefaultCluster",
		BornTimestamp: 1700000000000, BornHost: netip.MustParseAddrPort("192.0.2.7:40000"),
		StoreHost: netip.MustParseAddrPort("127.0.0.1:10911")}
}

func reportRate(b *testing.B, msgs int) {
	b.ReportMetric(float64(msgs)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkPutAsync1KiB(b *testing.B) {
	s := benchStore(b, AsyncFlush)
	e := []Entry{{Msg: benchMessage(0), TagsCode: message.TagsCode("TagA")}}
	b.SetBytes(int64(message.RecordSize(e[0].Msg)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := s.Put(e); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, b.N)
}

func BenchmarkPutAsyncBatch32(b *testing.B) {
	s := benchStore(b, AsyncFlush)
	batch := make([]Entry, 32)
	for i := range batch {
		batch[i] = Entry{Msg: benchMessage(0), TagsCode: message.TagsCode("TagA")}
	}
	b.SetBytes(32 * int64(message.RecordSize(batch[0].Msg)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := s.Put(batch); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, 32*b.N)
}

// BenchmarkPutSyncParallel is 32 x GOMAXPROCS senders, each waiting for
// its SyncFlush acknowledgement before the next send (group commit).
func BenchmarkPutSyncParallel(b *testing.B) {
	s := benchStore(b, SyncFlush)
	before := s.fsyncs.Load()
	b.SetParallelism(32)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		e := []Entry{{Msg: benchMessage(0)}}
		done := make(chan error, 1)
		ack := func(err error) { done <- err }
		for pb.Next() {
			res, err := s.Put(e)
			if err != nil {
				b.Error(err)
				return
			}
			s.OnDurable(res.EndOffset, ack)
			if err := <-done; err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportRate(b, b.N)
	if f := s.fsyncs.Load() - before; f > 0 {
		b.ReportMetric(float64(b.N)/float64(f), "msgs/fsync")
	}
}

func BenchmarkGetMessages32(b *testing.B) {
	s := benchStore(b, AsyncFlush)
	const n = 50000
	batch := make([]Entry, 50)
	for i := range batch {
		batch[i] = Entry{Msg: benchMessage(0)}
	}
	for range n / len(batch) {
		if _, err := s.Put(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	off := int64(0)
	for range b.N {
		res, err := s.GetMessages("BenchTopic", 0, off, 32, 256<<10, 0, nil)
		if err != nil || res.Status != Found || len(res.Records) != 32 {
			b.Fatalf("%v %v %d", res.Status, err, len(res.Records))
		}
		if off = res.NextBeginOffset; off > n-32 {
			off = 0
		}
	}
	reportRate(b, 32*b.N)
}
