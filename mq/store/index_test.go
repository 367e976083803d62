package store

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/message"
)

// keyed builds a message with a UNIQ_KEY (none if "") and a KEYS value
// (none if "").
func keyed(topic, body, uniq, keys string) Entry {
	var props []string
	if keys != "" {
		props = append(props, message.PropKeys+"\x01"+keys)
	}
	if uniq != "" {
		props = append(props, message.PropUniqKey+"\x01"+uniq)
	}
	return Entry{Msg: &message.Message{Topic: topic, Body: []byte(body), Properties: strings.Join(props, "\x02"),
		BornTimestamp: 1700000000000, BornHost: netip.MustParseAddrPort("192.0.2.7:40000"),
		StoreHost: netip.MustParseAddrPort("127.0.0.1:10911")}}
}

// query returns the bodies QueryByKey finds, checking that each record
// is whole and carries the key.
func query(t testing.TB, s *Store, topic, key string, maxNum int, begin, end int64) []string {
	t.Helper()
	recs, err := s.QueryByKey(topic, key, maxNum, begin, end)
	if err != nil {
		t.Fatalf("QueryByKey(%s, %q): %v", topic, key, err)
	}
	bodies := []string{}
	for _, rec := range recs {
		m := decode(t, rec)
		uniq, _ := message.Property(m.Properties, message.PropUniqKey)
		keys, _ := message.Property(m.Properties, message.PropKeys)
		if m.Topic != topic || (uniq != key && !slices.Contains(strings.Fields(keys), key)) {
			t.Fatalf("QueryByKey(%s, %q) returned %s %q with %q", topic, key, m.Topic, m.Body, m.Properties)
		}
		bodies = append(bodies, string(m.Body))
	}
	return bodies
}

func wantQuery(t testing.TB, s *Store, topic, key string, want ...string) {
	t.Helper()
	if got := query(t, s, topic, key, 0, 0, 0); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Fatalf("QueryByKey(%s, %q) = %q, want %q", topic, key, got, want)
	}
}

func indexFiles(t testing.TB, dir string) []segmentFile {
	t.Helper()
	files, err := listSegments(filepath.Join(dir, indexDir))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestQueryByKey(t *testing.T) {
	for _, mode := range []FlushMode{AsyncFlush, SyncFlush} {
		t.Run(mode.String(), func(t *testing.T) {
			s := openTest(t, testOptions(t.TempDir(), mode))
			if ts, off := s.IndexLastUpdate(); ts != 0 || off != 0 {
				t.Fatalf("IndexLastUpdate of an empty store = %d, %d", ts, off)
			}
			put(t, s, keyed("T", "A", "U1", "order-1 customer-7"))
			put(t, s, keyed("T", "B", "U2", "order-2 customer-7"))
			put(t, s, keyed("Other", "C", "U3", "order-1"))
			put(t, s, keyed("T", "D", "U4", "  order-3   order-3 "))
			put(t, s, keyed("T", "E1", "B1", "batch"), keyed("T", "E2", "B2", "batch"), keyed("T", "E3", "B3", "batch"))
			put(t, s, keyed("T", "F", "", ""))
			rb := keyed("T", "G", "U7", "rolled")
			rb.Msg.SysFlag = message.TransactionRollback
			put(t, s, rb)
			last := put(t, s, keyed("T", "H", "", "U1"))
			put(t, s, keyed("T", "I", "", ""))

			tests := []struct {
				name, topic, key string
				maxNum           int
				want             []string
			}{
				{"a KEYS entry", "T", "order-1", 0, []string{"A"}},
				{"a key shared by two messages, newest first", "T", "customer-7", 0, []string{"B", "A"}},
				{"a UNIQ_KEY", "T", "U2", 0, []string{"B"}},
				{"the same key in another topic", "Other", "order-1", 0, []string{"C"}},
				{"a key repeated in one message, found once", "T", "order-3", 0, []string{"D"}},
				{"a batch", "T", "batch", 0, []string{"E3", "E2", "E1"}},
				{"at most maxNum", "T", "batch", 2, []string{"E3", "E2"}},
				{"a UNIQ_KEY that is another message's KEYS entry", "T", "U1", 0, []string{"H", "A"}},
				{"unknown key", "T", "nope", 0, nil},
				{"unknown topic", "Nope", "order-1", 0, nil},
				{"a key prefix", "T", "order", 0, nil},
				{"a rolled-back message", "T", "rolled", 0, nil},
				{"an empty key", "T", "", 0, nil},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					got := query(t, s, tt.topic, tt.key, tt.maxNum, 0, 0)
					if !slices.Equal(got, tt.want) && len(got)+len(tt.want) > 0 {
						t.Fatalf("got %q, want %q", got, tt.want)
					}
				})
			}
			if ts, off := s.IndexLastUpdate(); off != last.PhysicalOffset || ts != last.StoreTimestamp {
				t.Fatalf("IndexLastUpdate = %d, %d; want %d, %d (the last keyed record)", ts, off, last.StoreTimestamp, last.PhysicalOffset)
			}
		})
	}
}

// TestQueryByKeyCollisions puts every key into one slot chain, and two
// keys whose hashes are equal, so that only the record check tells them
// apart.
func TestQueryByKeyCollisions(t *testing.T) {
	a, b := collidingKeys(t, "T")
	o := testOptions(t.TempDir(), AsyncFlush)
	o.indexSlots = 1
	s := openTest(t, o)
	for i := range 30 {
		put(t, s, keyed([]string{"T", "T2"}[i%2], fmt.Sprint("m", i), fmt.Sprint("u", i), fmt.Sprint("k", i%10)))
	}
	put(t, s, keyed("T", "a", "", a))
	put(t, s, keyed("T", "b", "", b))
	for k := range 10 {
		var want []string
		for i := 29; i >= 0; i-- {
			if i%10 == k && i%2 == 0 {
				want = append(want, fmt.Sprint("m", i))
			}
		}
		wantQuery(t, s, "T", fmt.Sprint("k", k), want...)
		wantQuery(t, s, "T", fmt.Sprint("u", k), []string{fmt.Sprint("m", k)}[:1-k%2]...)
	}
	wantQuery(t, s, "T", a, "a")
	wantQuery(t, s, "T", b, "b")
}

// collidingKeys finds two keys of topic with the same keyHash.
func collidingKeys(t *testing.T, topic string) (string, string) {
	seen := map[uint32]string{}
	for i := range 1 << 22 {
		k := fmt.Sprint("key-", i)
		h := keyHash(topic, k)
		if other, ok := seen[h]; ok {
			return other, k
		}
		seen[h] = k
	}
	t.Fatal("no hash collision found")
	return "", ""
}

func TestQueryByKeyTimeRange(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	ms := func(d time.Duration) int64 { return t0.Add(d).UnixMilli() }
	for _, entries := range []uint32{1 << 10, 2} {
		t.Run(fmt.Sprint("entries=", entries), func(t *testing.T) {
			clock := &fakeClock{t: t0}
			o := testOptions(t.TempDir(), AsyncFlush)
			o.Now, o.indexEntries = clock.Now, entries
			s := openTest(t, o)
			for i, body := range []string{"m0", "m10", "m20"} {
				clock.Set(t0.Add(time.Duration(i) * 10 * time.Second))
				put(t, s, keyed("T", body, "", "k"))
				put(t, s, keyed("T", "noise"+body, "", "other"))
			}
			tests := []struct {
				name       string
				begin, end int64
				want       []string
			}{
				{"all", 0, 0, []string{"m20", "m10", "m0"}},
				{"from a time on", ms(5 * time.Second), 0, []string{"m20", "m10"}},
				{"a window", ms(5 * time.Second), ms(15 * time.Second), []string{"m10"}},
				{"both ends inclusive", ms(10 * time.Second), ms(10 * time.Second), []string{"m10"}},
				{"up to a time", 1, ms(10 * time.Second), []string{"m10", "m0"}},
				{"after everything", ms(21 * time.Second), 0, nil},
				{"before everything", 1, ms(-time.Millisecond), nil},
				{"an empty range", ms(15 * time.Second), ms(5 * time.Second), nil},
			}
			for _, tt := range tests {
				got := query(t, s, "T", "k", 0, tt.begin, tt.end)
				if !slices.Equal(got, tt.want) && len(got)+len(tt.want) > 0 {
					t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
				}
			}
		})
	}
}

// TestIndexRollover fills many small index files, rolls over by time,
// and checks that a message with more keys than a file holds keeps the
// first ones.
func TestIndexRollover(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	o := testOptions(t.TempDir(), SyncFlush)
	o.indexSlots, o.indexEntries, o.Now = 2, 4, clock.Now
	s := openTest(t, o)
	var all []string
	for i := range 40 {
		put(t, s, keyed("T", fmt.Sprint("m", i), "", fmt.Sprintf("all k%d", i)))
		all = append([]string{fmt.Sprint("m", i)}, all...)
	}
	if n := len(indexFiles(t, o.Dir)); n != 20 {
		t.Fatalf("%d index files, want 20 (2 messages of 2 keys per file)", n)
	}
	wantQuery(t, s, "T", "all", all...)
	wantQuery(t, s, "T", "k17", "m17")

	put(t, s, keyed("T", "wide", "u", "a b c d e"))
	wantQuery(t, s, "T", "c", "wide")
	wantQuery(t, s, "T", "d")
	wantQuery(t, s, "T", "e")

	put(t, s, keyed("T", "y", "", "y"))
	clock.Set(clock.Now().Add(50 * 24 * time.Hour)) // past the uint32 ms delta
	put(t, s, keyed("T", "later", "", "x"))
	files := indexFiles(t, o.Dir)
	if len(files) != 23 {
		t.Fatalf("%d index files, want 23 (the wide message, the next one, one after the time jump)", len(files))
	}
	wantQuery(t, s, "T", "x", "later")

	before := readFiles(t, files)
	s.Close()
	s = openTest(t, o)
	if after := readFiles(t, indexFiles(t, o.Dir)); !maps2Equal(before, after) {
		t.Fatal("a clean reopen changed the index files")
	}
	wantQuery(t, s, "T", "all", all[:min(len(all), maxQueryNum)]...)
	wantQuery(t, s, "T", "x", "later")
	put(t, s, keyed("T", "next", "", "x"))
	wantQuery(t, s, "T", "x", "next", "later")
}

func readFiles(t testing.TB, files []segmentFile) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f.path)] = b
	}
	return out
}

func maps2Equal(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestQueryByKeyConcurrent queries while Puts add to the same chains.
func TestQueryByKeyConcurrent(t *testing.T) {
	for _, mode := range []FlushMode{AsyncFlush, SyncFlush} {
		t.Run(mode.String(), func(t *testing.T) {
			o := testOptions(t.TempDir(), mode)
			o.indexSlots, o.indexEntries = 8, 64
			s := openTest(t, o)
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 100 {
						e := keyed("T", fmt.Sprintf("w%d-%d", w, i), "", fmt.Sprintf("w%d k%d", w, i%5))
						if _, err := s.Put([]Entry{e}); err != nil {
							t.Error(err)
							return
						}
					}
				}()
			}
			done := make(chan struct{})
			var qwg sync.WaitGroup
			qwg.Add(1)
			go func() {
				defer qwg.Done()
				for i := 0; ; i++ {
					select {
					case <-done:
						return
					default:
					}
					key := fmt.Sprint("k", i%5)
					recs, err := s.QueryByKey("T", key, 0, 0, 0)
					if err != nil {
						t.Error(err)
						return
					}
					for _, rec := range recs {
						m, _, err := message.Decode(rec)
						if keys, _ := message.Property(m.Properties, message.PropKeys); err != nil || !strings.HasSuffix(keys, " "+key) {
							t.Errorf("query %s: got %q (%v)", key, m.Properties, err)
							return
						}
					}
				}
			}()
			wg.Wait()
			close(done)
			qwg.Wait()
			if err := s.Flush(); err != nil {
				t.Fatal(err)
			}
			for w := range 4 {
				if got := query(t, s, "T", fmt.Sprint("w", w), 0, 0, 0); len(got) != maxQueryNum || got[0] != fmt.Sprintf("w%d-99", w) {
					t.Fatalf("w%d: %d results, first %q", w, len(got), got)
				}
			}
		})
	}
}

func FuzzParseKeyed(f *testing.F) {
	rec, _ := message.AppendRecord(nil, keyed("T", "body", "U", "a b").Msg)
	f.Add(rec)
	f.Add(rec[:minRecordSize])
	spaced, _ := message.AppendRecord(nil, keyed("T", "body", " ", " x  y ").Msg)
	f.Add(spaced)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, ok := parseKeyed(b)
		if !ok {
			return
		}
		n := r.countKeys()
		for i := 0; ; i++ {
			k, more := r.nextKey()
			if !more {
				if i != n {
					t.Fatalf("%d keys, countKeys %d", i, n)
				}
				break
			}
			if len(k) == 0 || !bytes.Contains(b, k) {
				t.Fatalf("key %q", k)
			}
		}
	})
}

// BenchmarkIndexAdd is the index's share of a Put: parsing the record of
// benchMessage (a KEYS entry and a UNIQ_KEY) and writing two entries.
func BenchmarkIndexAdd(b *testing.B) {
	s := benchStore(b, AsyncFlush)
	rec, err := message.AppendRecord(nil, benchMessage(0))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	s.dispatchMu.Lock()
	for i := range b.N {
		s.idx.add(rec, int64(i)*int64(len(rec)))
	}
	s.dispatchMu.Unlock()
}
