package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestIndexRecovery damages the index, or stops the store uncleanly, and
// expects every key found again after Open.
func TestIndexRecovery(t *testing.T) {
	const perFile = 8 // entries: 4 messages of 2 keys
	type env struct {
		dir        string
		checkpoint int64 // CommitLog end at the last Flush
	}
	damageEntries := func(t *testing.T, dir string, from int64) {
		for _, f := range indexFiles(t, dir) {
			b, _ := os.ReadFile(f.path)
			slots := int64(4)
			hit := false
			for n := int64(0); n < perFile; n++ {
				e := indexHeaderSize + 4*slots + indexEntrySize*n
				if phys := int64(binary.BigEndian.Uint64(b[e+4:])); binary.BigEndian.Uint32(b[e:]) != 0 && phys >= from {
					clear(b[e : e+indexEntrySize])
					hit = true
				}
			}
			if hit {
				copy(b[indexHeaderSize:], bytes.Repeat([]byte{0, 0, 0, 7}, int(slots))) // heads at lost entries
				os.WriteFile(f.path, b, 0o644)
			}
		}
	}
	tests := []struct {
		name   string
		crash  bool
		tamper func(t *testing.T, e env)
	}{
		{"clean", false, func(t *testing.T, e env) {}},
		{"crash", true, func(t *testing.T, e env) {}},
		{"crash, entries after the checkpoint lost and slots torn", true, func(t *testing.T, e env) {
			damageEntries(t, e.dir, e.checkpoint)
		}},
		{"index directory removed", false, func(t *testing.T, e env) {
			os.RemoveAll(filepath.Join(e.dir, indexDir))
		}},
		{"first file's header damaged", false, func(t *testing.T, e env) {
			f := indexFiles(t, e.dir)[0]
			b, _ := os.ReadFile(f.path)
			b[20] ^= 0xFF
			os.WriteFile(f.path, b, 0o644)
		}},
		{"crash while creating the last file", true, func(t *testing.T, e env) {
			files := indexFiles(t, e.dir)
			f := files[len(files)-1]
			os.WriteFile(f.path, make([]byte, f.size), 0o644)
		}},
		{"a file past the end", true, func(t *testing.T, e env) {
			files := indexFiles(t, e.dir)
			b, _ := os.ReadFile(files[len(files)-1].path)
			binary.BigEndian.PutUint64(b[16:], 1<<40)
			binary.BigEndian.PutUint32(b[32:], crc32.Checksum(b[:32], castagnoli))
			os.WriteFile(filepath.Join(e.dir, indexDir, segmentName(1<<40)), b, 0o644)
		}},
		{"checkpoint lost", true, func(t *testing.T, e env) {
			os.Remove(filepath.Join(e.dir, checkpointFile))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testOptions(t.TempDir(), AsyncFlush)
			o.CommitLogSegmentSize = 4096
			o.indexSlots, o.indexEntries = 4, perFile
			o.FlushInterval = 1 << 40 // checkpoints only when asked
			s := openTest(t, o)
			want := map[string][]string{}
			cp := int64(0)
			for i := range 60 {
				body, k := bodyOf(i), fmt.Sprint("k", i%7)
				put(t, s, keyed("T", body, fmt.Sprint("u", i), k))
				want[k] = append([]string{body}, want[k]...)
				want[fmt.Sprint("u", i)] = []string{body}
				if i == 40 {
					if err := s.Flush(); err != nil {
						t.Fatal(err)
					}
					cp = s.CommitLogMaxOffset()
				}
			}
			if tt.crash {
				s.crash()
			} else if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			tt.tamper(t, env{o.Dir, cp})
			s = openTest(t, o)
			check := func(s *Store) {
				t.Helper()
				for k, bodies := range want {
					wantQuery(t, s, "T", k, bodies...)
				}
			}
			check(s)
			if ts, off := s.IndexLastUpdate(); off == 0 || ts == 0 {
				t.Fatalf("IndexLastUpdate after recovery = %d, %d", ts, off)
			}
			put(t, s, keyed("T", "after", "", "k0"))
			want["k0"] = append([]string{"after"}, want["k0"]...)
			s.crash()
			s = openTest(t, o)
			check(s)
		})
	}
}

// TestIndexFollowsTruncatedLog tears the last record: its keys must go
// from the index, and a new record at its offset must be found instead.
func TestIndexFollowsTruncatedLog(t *testing.T) {
	o := testOptions(t.TempDir(), AsyncFlush)
	o.CommitLogSegmentSize = 4096
	o.indexSlots, o.indexEntries = 4, 16
	s := openTest(t, o)
	for i := range 20 {
		put(t, s, keyed("T", bodyOf(i), "", "k"))
	}
	last := put(t, s, keyed("T", "torn", "", "k torn"))
	s.crash()
	if err := os.Truncate(segPath(o.Dir, 4096, last.PhysicalOffset), last.PhysicalOffset%4096+50); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, o)
	wantQuery(t, s, "T", "torn")
	if got := query(t, s, "T", "k", 0, 0, 0); len(got) != 20 || got[0] != bodyOf(19) {
		t.Fatalf("after the tear: %q", got)
	}
	res := put(t, s, keyed("T", "new", "", "fresh"))
	if res.PhysicalOffset != last.PhysicalOffset {
		t.Fatalf("log continues at %d, want %d", res.PhysicalOffset, last.PhysicalOffset)
	}
	wantQuery(t, s, "T", "fresh", "new")
	wantQuery(t, s, "T", "torn")
}

func TestIndexRetention(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	o := testOptions(t.TempDir(), AsyncFlush)
	o.CommitLogSegmentSize = 4096
	o.indexSlots, o.indexEntries = 4, 6
	o.Now, o.DiskUsage = clock.Now, (&fakeDisk{}).usage
	s := openTest(t, o)
	var offs []int64
	for i := range 60 {
		offs = append(offs, put(t, s, keyed("T", bodyOf(i), fmt.Sprint("u", i), "all")).PhysicalOffset)
	}
	before := indexFiles(t, o.Dir)
	clock.Set(atHour(4))
	s.cleanOnce()
	clMin := s.CommitLogMinOffset()
	if clMin == 0 {
		t.Fatal("no commitlog segment deleted")
	}
	check := func(s *Store) {
		t.Helper()
		files := indexFiles(t, o.Dir)
		if len(files) >= len(before) || files[len(files)-1] != before[len(before)-1] {
			t.Fatalf("index files %d -> %d; last %v -> %v", len(before), len(files), before[len(before)-1], files[len(files)-1])
		}
		if len(files) > 1 && files[1].base <= clMin {
			t.Fatalf("index file %s wholly below the commitlog start %d kept", files[0].path, clMin)
		}
		var live []string
		for i := 59; i >= 0; i-- {
			if offs[i] >= clMin {
				live = append(live, bodyOf(i))
				wantQuery(t, s, "T", fmt.Sprint("u", i), bodyOf(i))
			} else {
				wantQuery(t, s, "T", fmt.Sprint("u", i))
			}
		}
		wantQuery(t, s, "T", "all", live...)
	}
	check(s)
	s.Close()
	check(openTest(t, o))
}
