package store

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sagashop/sagashop/mq/message"
)

// bodyOf gives message i a size that varies between 0 and 600 bytes.
func bodyOf(i int) string { return fmt.Sprintf("m%03d-", i) + strings.Repeat("x", i*37%600) }

// recSize is the record size of e (trailer excluded).
func recSize(e Entry) int64 { return int64(message.RecordSize(e.Msg)) }

// tearSetup fills a store with n single puts and then one batch of
// lastBatch entries, and returns the bodies and the last put's result.
func tearSetup(t *testing.T, o Options, n, lastBatch int) ([]string, []Entry, PutResult) {
	s := openTest(t, o)
	var bodies []string
	for i := range n {
		bodies = append(bodies, bodyOf(i))
		put(t, s, entry("T", 0, bodies[i]))
	}
	var batch []Entry
	for i := range lastBatch {
		bodies = append(bodies, bodyOf(n+i))
		batch = append(batch, entry("T", 0, bodies[n+i]))
	}
	res := put(t, s, batch...)
	return bodies, batch, res
}

func TestRecoverTornTail(t *testing.T) {
	const segSize = 4096
	writeAt := func(t *testing.T, path string, b []byte, pos int64) {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteAt(b, pos); err != nil {
			t.Fatal(err)
		}
	}
	type env struct {
		dir   string
		batch []Entry
		last  PutResult
	}
	// Each case damages the files of a store holding 40 messages (the last
	// put is a batch of 3) and says how many must survive.
	tests := []struct {
		name   string
		tamper func(t *testing.T, e env)
		keep   int
	}{
		{"truncate last record mid-way", func(t *testing.T, e env) {
			off := e.last.PhysicalOffsets[2]
			if err := os.Truncate(segPath(e.dir, segSize, off), off%segSize+recSize(e.batch[2])/2); err != nil {
				t.Fatal(err)
			}
		}, 37},
		{"zero the last trailer", func(t *testing.T, e env) {
			off := e.last.PhysicalOffsets[2] + recSize(e.batch[2])
			writeAt(t, segPath(e.dir, segSize, off), make([]byte, trailerSize), off%segSize)
		}, 37},
		{"flip a byte of the first record of the batch", func(t *testing.T, e env) {
			off := e.last.PhysicalOffsets[0] + recSize(e.batch[0]) - 1
			writeAt(t, segPath(e.dir, segSize, off), []byte{0xEE}, off%segSize)
		}, 37},
		{"garbage after the end", func(t *testing.T, e env) {
			end := e.last.EndOffset
			garbage := bytes.Repeat([]byte{0xA5, 0x17, 0x00, 0x42}, 200)
			writeAt(t, segPath(e.dir, segSize, end), garbage[:min(len(garbage), segSize-int(end%segSize))], end%segSize)
		}, 40},
		{"stale copy of an earlier record after the end", func(t *testing.T, e env) {
			from, end := e.last.PhysicalOffsets[1], e.last.EndOffset
			n := recSize(e.batch[1]) + trailerSize
			if segSize-end%segSize < n {
				t.Fatalf("the test layout leaves %d bytes after the end, fewer than the %d the stale copy needs", segSize-end%segSize, n)
			}
			b := make([]byte, n)
			f, _ := os.Open(segPath(e.dir, segSize, from))
			f.ReadAt(b, from%segSize)
			f.Close()
			writeAt(t, segPath(e.dir, segSize, end), b, end%segSize)
		}, 40},
	}
	for _, tt := range tests {
		for _, crash := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/crash=%v", tt.name, crash), func(t *testing.T) {
				o := testOptions(t.TempDir(), AsyncFlush)
				o.CommitLogSegmentSize = segSize
				s := openTest(t, o)
				var bodies []string
				for i := range 37 {
					bodies = append(bodies, bodyOf(i))
					put(t, s, entry("T", 0, bodies[i]))
				}
				var batch []Entry
				for i := 37; i < 40; i++ {
					bodies = append(bodies, bodyOf(i))
					batch = append(batch, entry("T", 0, bodies[i]))
				}
				last := put(t, s, batch...)
				if crash {
					s.crash()
				} else if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				tt.tamper(t, env{o.Dir, batch, last})

				s = openTest(t, o)
				wantBodies(t, s, "T", 0, bodies[:tt.keep])
				if _, err := s.ReadAt(last.PhysicalOffsets[2]); tt.keep < 40 && err == nil {
					t.Fatalf("torn record still readable")
				}
				res := put(t, s, entry("T", 0, "after"))
				if res.QueueOffset != int64(tt.keep) {
					t.Fatalf("put after recovery got queue offset %d, want %d", res.QueueOffset, tt.keep)
				}
				s.crash()
				s = openTest(t, o)
				wantBodies(t, s, "T", 0, append(bodies[:tt.keep:tt.keep], "after"))
			})
		}
	}
}

// TestRecoverRebuildsConsumeQueues deletes ConsumeQueue files (and the
// checkpoint) and expects every queue rebuilt from the CommitLog.
func TestRecoverRebuildsConsumeQueues(t *testing.T) {
	tests := []struct {
		name   string
		crash  bool
		tamper func(t *testing.T, dir string)
	}{
		{"all consume queues deleted", false, func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, consumeQueueDir))
		}},
		{"one queue directory deleted", false, func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, consumeQueueDir, "B", "1"))
		}},
		{"one topic deleted after a crash", true, func(t *testing.T, dir string) {
			os.RemoveAll(filepath.Join(dir, consumeQueueDir, "A"))
		}},
		{"checkpoint deleted", false, func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, checkpointFile))
		}},
		{"checkpoint corrupt", true, func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, checkpointFile), []byte("garbage"), 0o644)
		}},
		{"middle consume queue segment deleted", false, func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, consumeQueueDir, "A", "0", segmentName(3*unitSize)))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testOptions(t.TempDir(), SyncFlush)
			o.CommitLogSegmentSize = 4096
			o.ConsumeQueueSegmentEntries = 3
			s := openTest(t, o)
			want := map[string][]string{}
			for i := range 60 {
				topic, q := []string{"A", "B"}[i%2], int32(i%3)
				key := fmt.Sprintf("%s/%d", topic, q)
				want[key] = append(want[key], bodyOf(i))
				put(t, s, entry(topic, q, bodyOf(i)))
			}
			if tt.crash {
				s.crash()
			} else {
				s.Close()
			}
			tt.tamper(t, o.Dir)
			s = openTest(t, o)
			for key, bodies := range want {
				var topic string
				var q int32
				fmt.Sscanf(strings.Replace(key, "/", " ", 1), "%s %d", &topic, &q)
				wantBodies(t, s, topic, q, bodies)
			}
		})
	}
}

// TestRecoverConsumeQueueAheadOrBehind damages a queue's units: units that
// point past the CommitLog's end are dropped, units lost after the
// checkpoint are re-dispatched, and units lost below it trigger a full
// rebuild.
func TestRecoverConsumeQueueAheadOrBehind(t *testing.T) {
	unitFile := func(dir string, idx int64) (string, int64) {
		const per = 5
		base := idx / per * per * unitSize
		return filepath.Join(dir, consumeQueueDir, "Q", "0", segmentName(base)), idx*unitSize - base
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, dir string, end int64)
	}{
		{"units past the commitlog end", func(t *testing.T, dir string, end int64) {
			for i := int64(20); i < 23; i++ {
				path, pos := unitFile(dir, i)
				f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
				if err != nil {
					t.Fatal(err)
				}
				u := make([]byte, unitSize)
				u[7], u[11] = byte(i), 100 // phys small? no: make it past the end below
				putUnit(u, end+i*200, 150, 0)
				f.WriteAt(u, pos)
				f.Close()
			}
		}},
		{"last units lost", func(t *testing.T, dir string, end int64) {
			for i := int64(15); i < 20; i++ {
				path, pos := unitFile(dir, i)
				f, _ := os.OpenFile(path, os.O_RDWR, 0)
				f.WriteAt(make([]byte, unitSize), pos)
				f.Close()
			}
		}},
		{"last units lost, with an empty file after them", func(t *testing.T, dir string, end int64) {
			for i := int64(17); i < 20; i++ {
				path, pos := unitFile(dir, i)
				f, _ := os.OpenFile(path, os.O_RDWR, 0)
				f.WriteAt(make([]byte, unitSize), pos)
				f.Close()
			}
			path, _ := unitFile(dir, 20)
			if err := os.WriteFile(path, make([]byte, 5*unitSize), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"units below the checkpoint lost", func(t *testing.T, dir string, end int64) {
			for i := int64(5); i < 20; i++ {
				path, pos := unitFile(dir, i)
				f, _ := os.OpenFile(path, os.O_RDWR, 0)
				f.WriteAt(make([]byte, unitSize), pos)
				f.Close()
			}
			os.Remove(filepath.Join(dir, consumeQueueDir, "Q", "0", segmentName(15*unitSize)))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testOptions(t.TempDir(), AsyncFlush)
			o.CommitLogSegmentSize = 4096
			o.ConsumeQueueSegmentEntries = 5
			o.FlushInterval = 1 << 40 // checkpoints only when asked
			s := openTest(t, o)
			var bodies []string
			for i := range 20 {
				bodies = append(bodies, bodyOf(i))
				put(t, s, entry("Q", 0, bodies[i]))
				if i == 11 {
					if err := s.Flush(); err != nil {
						t.Fatal(err)
					}
				}
			}
			end := s.CommitLogMaxOffset()
			s.crash()
			tt.tamper(t, o.Dir, end)
			s = openTest(t, o)
			wantBodies(t, s, "Q", 0, bodies)
		})
	}
}

func putUnit(b []byte, phys int64, size int32, tags int64) {
	for i := range 8 {
		b[i] = byte(phys >> (56 - 8*i))
		b[12+i] = byte(tags >> (56 - 8*i))
	}
	for i := range 4 {
		b[8+i] = byte(size >> (24 - 8*i))
	}
}

// TestRecoverBatchAcrossSegments tears a batch that spans two segments in
// its second half: the whole batch goes, with the blank marker and the
// second segment, and the log continues in the first segment.
func TestRecoverBatchAcrossSegments(t *testing.T) {
	o := testOptions(t.TempDir(), AsyncFlush)
	o.CommitLogSegmentSize = 4096
	s := openTest(t, o)
	var bodies []string
	body := func(c string, i int) string { return strings.Repeat(c, 300) + fmt.Sprintf("%03d", i) }
	need := recSize(entry("B", 0, body("a", 0))) + trailerSize
	// Fill the first segment until exactly one more record fits.
	for i := 0; 4096-s.CommitLogMaxOffset() >= 2*need+blankSize; i++ {
		bodies = append(bodies, body("a", i))
		put(t, s, entry("B", 0, bodies[i]))
	}
	var batch []Entry
	for i := range 4 {
		batch = append(batch, entry("B", 0, body("b", i)))
	}
	res := put(t, s, batch...)
	if res.PhysicalOffsets[0]/4096 == res.PhysicalOffsets[3]/4096 {
		t.Fatalf("batch did not span segments: %v", res.PhysicalOffsets)
	}
	s.crash()
	last := res.PhysicalOffsets[3]
	if err := os.Truncate(segPath(o.Dir, 4096, last), last%4096+10); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, o)
	wantBodies(t, s, "B", 0, bodies)
	if _, err := os.Stat(segPath(o.Dir, 4096, last)); !os.IsNotExist(err) {
		t.Fatalf("second segment kept: %v", err)
	}
	after := put(t, s, entry("B", 0, "after"))
	if after.PhysicalOffset != res.PhysicalOffsets[0] {
		t.Fatalf("log continues at %d, want %d (where the torn batch began)", after.PhysicalOffset, res.PhysicalOffsets[0])
	}
}

// TestRecoverEmptyQueueFileAfterPartialOne: a batch reserved the next
// ConsumeQueue file, then the process died before dispatching it. The
// queue's end is in the previous, partly used file.
func TestRecoverEmptyQueueFileAfterPartialOne(t *testing.T) {
	o := testOptions(t.TempDir(), AsyncFlush)
	o.ConsumeQueueSegmentEntries = 5
	s := openTest(t, o)
	var bodies []string
	for i := range 7 {
		bodies = append(bodies, bodyOf(i))
		put(t, s, entry("E", 0, bodies[i]))
	}
	s.crash()
	empty := filepath.Join(o.Dir, consumeQueueDir, "E", "0", segmentName(10*unitSize))
	if err := os.WriteFile(empty, make([]byte, 5*unitSize), 0o644); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, o)
	wantBodies(t, s, "E", 0, bodies)
	if res := put(t, s, entry("E", 0, "next")); res.QueueOffset != 7 {
		t.Fatalf("next put at queue offset %d, want 7", res.QueueOffset)
	}
}
