package store

import (
	"os"
	"path/filepath"
	"testing"
)

func FuzzCheckpoint(f *testing.F) {
	f.Add(checkpoint{Flushed: 100, CQDurable: 50, ActiveFrom: 10, Clean: true, Queues: 3}.marshal())
	f.Add(make([]byte, checkpointSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := unmarshalCheckpoint(b)
		if err != nil {
			return
		}
		if again, err := unmarshalCheckpoint(c.marshal()); err != nil || again != c {
			t.Fatalf("round trip: %+v -> %+v, %v", c, again, err)
		}
	})
}

// FuzzRecover opens a store whose only CommitLog segment holds arbitrary
// bytes after some valid records: Open must recover without panicking and
// what it keeps must be readable.
func FuzzRecover(f *testing.F) {
	seedDir := f.TempDir()
	o := testOptions(seedDir, AsyncFlush)
	o.CommitLogSegmentSize = 4096
	s, err := Open(o)
	if err != nil {
		f.Fatal(err)
	}
	for i := range 5 {
		if _, err := s.Put([]Entry{entry("F", int32(i%2), bodyOf(i))}); err != nil {
			f.Fatal(err)
		}
	}
	s.Close()
	seg, err := os.ReadFile(filepath.Join(seedDir, commitLogDir, segmentName(0)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seg[:2000], 0)
	f.Add(seg[:2000], 1000)
	f.Add([]byte{0xDE, 0xAD}, 0)
	f.Fuzz(func(t *testing.T, tail []byte, at int) {
		if at < 0 || at >= 4096 {
			return
		}
		img := append([]byte(nil), seg...)
		copy(img[at:], tail)
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, commitLogDir), 0o755)
		if err := os.WriteFile(filepath.Join(dir, commitLogDir, segmentName(0)), img, 0o644); err != nil {
			t.Fatal(err)
		}
		o := testOptions(dir, AsyncFlush)
		o.CommitLogSegmentSize = 4096
		s, err := Open(o)
		if err != nil {
			return // refusing is fine; panicking is not
		}
		defer s.Close()
		for _, topic := range s.Topics() {
			for _, q := range s.Queues(topic) {
				res, err := s.GetMessages(topic, q, s.MinOffset(topic, q), 100, 0, 100, nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, rec := range res.Records {
					decode(t, rec)
				}
			}
		}
		if _, err := s.Put([]Entry{entry("F", 0, "after")}); err != nil {
			t.Fatal(err)
		}
	})
}
