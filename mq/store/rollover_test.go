package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestSegmentRollover writes a few hundred records and batches into 4 KiB
// segments and reads them back across segment boundaries, before and
// after a clean and an unclean restart.
func TestSegmentRollover(t *testing.T) {
	const segSize = 4096
	o := testOptions(t.TempDir(), AsyncFlush)
	o.CommitLogSegmentSize = segSize
	o.ConsumeQueueSegmentEntries = 16
	s := openTest(t, o)
	want := map[int32][]string{}
	var offs []int64
	for i := 0; i < 300; {
		q := int32(i % 3)
		n := 1 + (i/7%3)*2 // 1, 3 or 5 records per Put
		var batch []Entry
		for range n {
			want[q] = append(want[q], bodyOf(i))
			batch = append(batch, entry("R", q, bodyOf(i)))
			i++
		}
		offs = append(offs, put(t, s, batch...).PhysicalOffsets...)
	}

	files, err := listSegments(filepath.Join(o.Dir, commitLogDir))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("only %d segments", len(files))
	}
	for i, f := range files {
		if f.base != int64(i)*segSize || f.size != segSize || filepath.Base(f.path) != fmt.Sprintf("%020d", f.base) {
			t.Fatalf("segment %d: %+v", i, f)
		}
	}
	for _, off := range offs {
		if off/segSize != (off+int64(len(mustRead(t, s, off)))+trailerSize-1)/segSize {
			t.Fatalf("record at %d spans segments", off)
		}
	}
	cq, _ := listSegments(filepath.Join(o.Dir, consumeQueueDir, "R", "0"))
	for i, f := range cq {
		if f.base != int64(i)*16*unitSize || f.size != 16*unitSize {
			t.Fatalf("consume queue file %d: %+v", i, f)
		}
	}
	check := func(s *Store) {
		t.Helper()
		for q, bodies := range want {
			wantBodies(t, s, "R", q, bodies)
			res, err := s.GetMessages("R", q, 0, 1000, 0, 1000, nil)
			if err != nil || len(res.Records) != len(bodies) {
				t.Fatalf("one read of queue %d: %d records, %v", q, len(res.Records), err)
			}
		}
	}
	check(s)
	s.Close()
	s = openTest(t, o)
	check(s)
	s.crash()
	s = openTest(t, o)
	check(s)
}

func mustRead(t *testing.T, s *Store, off int64) []byte {
	t.Helper()
	rec, err := s.ReadAt(off)
	if err != nil {
		t.Fatalf("ReadAt(%d): %v", off, err)
	}
	return rec
}

// TestLargestRecord fills a whole segment with one record.
func TestLargestRecord(t *testing.T) {
	const segSize = 4096
	o := testOptions(t.TempDir(), AsyncFlush)
	o.CommitLogSegmentSize = segSize
	s := openTest(t, o)
	put(t, s, entry("L", 0, "small"))
	e := entry("L", 0, "")
	e.Msg.Body = make([]byte, segSize-trailerSize-blankSize-int(recSize(e)))
	if got := recSize(e); got != segSize-trailerSize-blankSize {
		t.Fatalf("test record is %d bytes", got)
	}
	res := put(t, s, e)
	if res.PhysicalOffset != segSize {
		t.Fatalf("largest record at %d, want the start of the second segment", res.PhysicalOffset)
	}
	e.Msg.Body = append(e.Msg.Body, 0)
	if _, err := s.Put([]Entry{e}); !errors.Is(err, ErrMessageTooLarge) {
		t.Fatalf("one byte more: %v", err)
	}
	s.crash()
	s = openTest(t, o)
	if s.MaxOffset("L", 0) != 2 {
		t.Fatalf("after restart: %d messages", s.MaxOffset("L", 0))
	}
	if res := put(t, s, entry("L", 0, "next")); res.PhysicalOffset != 2*segSize {
		t.Fatalf("record after a full segment at %d, want %d", res.PhysicalOffset, 2*segSize)
	}
	if _, err := os.Stat(segPath(o.Dir, segSize, 2*segSize)); err != nil {
		t.Fatal(err)
	}
	wantBodies(t, s, "L", 0, []string{"small", string(e.Msg.Body[:len(e.Msg.Body)-1]), "next"})
}
