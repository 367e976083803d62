// Package storetest is the contract test suite of store.MessageStore. Every
// implementation and flush mode runs it:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, dir string) store.MessageStore { ... })
//	}
package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/store"
)

// Opener opens (or reopens) the store kept in dir. Run closes what it opens.
type Opener func(t *testing.T, dir string) store.MessageStore

// Run runs the contract suite; each case gets its own directory.
func Run(t *testing.T, open Opener) {
	cases := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"PutGet", testPutGet},
		{"Batch", testBatch},
		{"Offsets", testOffsets},
		{"FilterByTagsCode", testFilter},
		{"GetStatus", testGetStatus},
		{"Limits", testLimits},
		{"SearchOffset", testSearchOffset},
		{"StoreTime", testStoreTime},
		{"ReadAt", testReadAt},
		{"QueryByKey", testQueryByKey},
		{"DeleteTopic", testDeleteTopic},
		{"ReopenPersists", testReopen},
		{"ConcurrentPutGet", testConcurrent},
		{"InvalidPut", testInvalidPut},
		{"Closed", testClosed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open) })
	}
}

// openIn opens a store in dir and closes it when the test ends.
func openIn(t *testing.T, open Opener, dir string) store.MessageStore {
	t.Helper()
	s := open(t, dir)
	t.Cleanup(func() { s.Close() })
	return s
}

// NewMessage builds a message as the broker would.
func NewMessage(topic string, queueID int32, body, tags string) *message.Message {
	props := message.PropUniqKey + "\x01" + body
	if tags != "" {
		props = message.PropTags + "\x01" + tags + "\x02" + props
	}
	return &message.Message{Topic: topic, QueueID: queueID, Body: []byte(body), Properties: props,
		BornTimestamp: 1700000000000, BornHost: netip.MustParseAddrPort("192.0.2.7:40000"),
		StoreHost: netip.MustParseAddrPort("127.0.0.1:10911")}
}

// Entry is NewMessage wrapped for Put, with the tag's code.
func Entry(topic string, queueID int32, body, tags string) store.Entry {
	return store.Entry{Msg: NewMessage(topic, queueID, body, tags), TagsCode: message.TagsCode(tags)}
}

// PutDurable puts entries and waits until OnDurable reports them, so that
// they are visible in both flush modes.
func PutDurable(t testing.TB, s store.MessageStore, entries ...store.Entry) store.PutResult {
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

// Get calls GetMessages and fails the test on error.
func Get(t testing.TB, s store.MessageStore, topic string, q int32, off int64, maxMsgs int) store.GetResult {
	t.Helper()
	res, err := s.GetMessages(topic, q, off, maxMsgs, 0, 0, nil)
	if err != nil {
		t.Fatalf("GetMessages(%s, %d, %d): %v", topic, q, off, err)
	}
	return res
}

// Decode decodes a record and fails the test if it is malformed.
func Decode(t testing.TB, rec []byte) message.Message {
	t.Helper()
	m, n, err := message.Decode(rec)
	if err != nil || n != len(rec) {
		t.Fatalf("decode record (%d bytes): n=%d err=%v", len(rec), n, err)
	}
	return m
}

func testPutGet(t *testing.T, open Opener) {
	s := openIn(t, open, t.TempDir())
	var results []store.PutResult
	for i := range 10 {
		results = append(results, PutDurable(t, s, Entry("TopicA", 1, fmt.Sprintf("body-%d", i), "TagA")))
	}
	res := Get(t, s, "TopicA", 1, 0, 32)
	if res.Status != store.Found || len(res.Records) != 10 || res.NextBeginOffset != 10 ||
		res.MinOffset != 0 || res.MaxOffset != 10 {
		t.Fatalf("got %v, %d records, next %d, min %d, max %d; want FOUND, 10, 10, 0, 10",
			res.Status, len(res.Records), res.NextBeginOffset, res.MinOffset, res.MaxOffset)
	}
	for i, rec := range res.Records {
		m := Decode(t, rec)
		want := results[i]
		if string(m.Body) != fmt.Sprintf("body-%d", i) || m.QueueOffset != int64(i) || m.Topic != "TopicA" ||
			m.QueueID != 1 || m.PhysicalOffset != want.PhysicalOffset || m.StoreTimestamp != want.StoreTimestamp {
			t.Fatalf("record %d: %+v, put result %+v", i, m, want)
		}
		if tag, _ := message.Property(m.Properties, message.PropTags); tag != "TagA" {
			t.Fatalf("record %d: TAGS %q", i, tag)
		}
		if want.QueueOffset != int64(i) || len(want.PhysicalOffsets) != 1 || want.PhysicalOffsets[0] != want.PhysicalOffset ||
			want.EndOffset <= want.PhysicalOffset+int64(len(rec)-1) {
			t.Fatalf("put result %d: %+v (record of %d bytes)", i, want, len(rec))
		}
	}
	if got := s.CommitLogMaxOffset(); got != results[9].EndOffset {
		t.Fatalf("CommitLogMaxOffset = %d, want %d", got, results[9].EndOffset)
	}
}

func testBatch(t *testing.T, open Opener) {
	s := openIn(t, open, t.TempDir())
	PutDurable(t, s, Entry("TopicB", 0, "solo", ""))
	var batch []store.Entry
	for i := range 5 {
		batch = append(batch, Entry("TopicB", 0, fmt.Sprintf("b%d", i), "T"))
	}
	res := PutDurable(t, s, batch...)
	if res.QueueOffset != 1 || len(res.PhysicalOffsets) != 5 || res.PhysicalOffset != res.PhysicalOffsets[0] {
		t.Fatalf("batch result %+v", res)
	}
	for i, e := range batch {
		if e.Msg.QueueOffset != int64(1+i) || e.Msg.PhysicalOffset != res.PhysicalOffsets[i] ||
			e.Msg.StoreTimestamp != res.StoreTimestamp {
			t.Fatalf("entry %d fields not assigned: %+v", i, e.Msg)
		}
		if i > 0 && res.PhysicalOffsets[i] <= res.PhysicalOffsets[i-1] {
			t.Fatalf("physical offsets not ascending: %v", res.PhysicalOffsets)
		}
	}
	got := Get(t, s, "TopicB", 0, 1, 32)
	if got.Status != store.Found || len(got.Records) != 5 {
		t.Fatalf("get batch: %v, %d records", got.Status, len(got.Records))
	}
	for i, rec := range got.Records {
		if m := Decode(t, rec); string(m.Body) != fmt.Sprintf("b%d", i) || m.QueueOffset != int64(1+i) {
			t.Fatalf("batch record %d: %q at %d", i, m.Body, m.QueueOffset)
		}
	}
}

func testOffsets(t *testing.T, open Opener) {
	s := openIn(t, open, t.TempDir())
	if s.MaxOffset("none", 0) != 0 || s.MinOffset("none", 0) != 0 || len(s.Topics()) != 0 {
		t.Fatalf("empty store reports offsets or topics")
	}
	for q := range int32(3) {
		for i := range int(q) + 1 {
			PutDurable(t, s, Entry("TopicO", q, fmt.Sprint(i), ""))
		}
	}
	PutDurable(t, s, Entry("Other", 7, "x", ""))
	for q := range int32(3) {
		if got := s.MaxOffset("TopicO", q); got != int64(q)+1 {
			t.Errorf("MaxOffset(TopicO, %d) = %d, want %d", q, got, q+1)
		}
		if got := s.MinOffset("TopicO", q); got != 0 {
			t.Errorf("MinOffset(TopicO, %d) = %d", q, got)
		}
	}
	if got := s.Topics(); fmt.Sprint(got) != "[Other TopicO]" {
		t.Errorf("Topics = %v", got)
	}
	if got := s.Queues("TopicO"); fmt.Sprint(got) != "[0 1 2]" {
		t.Errorf("Queues = %v", got)
	}
	if s.CommitLogMinOffset() != 0 || s.CommitLogMaxOffset() <= 0 {
		t.Errorf("commitlog offsets %d..%d", s.CommitLogMinOffset(), s.CommitLogMaxOffset())
	}
}

func testFilter(t *testing.T, open Opener) {
	s := openIn(t, open, t.TempDir())
	tags := []string{"A", "B", "", "A", "C", "A"}
	for i, tag := range tags {
		PutDurable(t, s, Entry("TopicF", 0, fmt.Sprint(i), tag))
	}
	codeA := message.TagsCode("A")
	onlyA := func(c int64) bool { return c == codeA }
	res, err := s.GetMessages("TopicF", 0, 0, 32, 0, 0, onlyA)
	if err != nil || res.Status != store.Found || len(res.Records) != 3 || res.NextBeginOffset != 6 {
		t.Fatalf("filter A: %v, %d records, next %d, err %v", res.Status, len(res.Records), res.NextBeginOffset, err)
	}
	for i, want := range []string{"0", "3", "5"} {
		if m := Decode(t, res.Records[i]); string(m.Body) != want {
			t.Fatalf("filter A record %d = %q, want %q", i, m.Body, want)
		}
	}
	res, _ = s.GetMessages("TopicF", 0, 1, 1, 0, 0, onlyA)
	if res.Status != store.Found || len(res.Records) != 1 || res.NextBeginOffset != 4 {
		t.Fatalf("filter A from 1, max 1: %v, %d records, next %d; want FOUND, 1, 4", res.Status, len(res.Records), res.NextBeginOffset)
	}
	none := func(int64) bool { return false }
	res, _ = s.GetMessages("TopicF", 0, 2, 32, 0, 3, none)
	if res.Status != store.NoMatchedMessage || res.NextBeginOffset != 5 || len(res.Records) != 0 {
		t.Fatalf("no match, scan 3: %v, next %d; want NO_MATCHED_MESSAGE, 5", res.Status, res.NextBeginOffset)
	}
}

func testGetStatus(t *testing.T, open Opener) {
	s := openIn(t, open, t.TempDir())
	for i := range 4 {
		PutDurable(t, s, Entry("TopicS", 2, fmt.Sprint(i), "X"))
	}
	none := func(int64) bool { return false }
	tests := []struct {
		name     string
		topic    string
		queue    int32
		offset   int64
		filter   func(int64) bool
		status   store.GetStatus
		next     int64
		min, max int64
		records  int
	}{
		{"queue missing, offset 0", "Missing", 0, 0, nil, store.NoMessageInQueue, 0, 0, 0, 0},
		{"queue missing, offset 5", "Missing", 0, 5, nil, store.NoMessageInQueue, 0, 0, 0, 0},
		{"other queue of topic missing", "TopicS", 1, 0, nil, store.NoMessageInQueue, 0, 0, 0, 0},
		{"offset below min", "TopicS", 2, -1, nil, store.OffsetTooSmall, 0, 0, 4, 0},
		{"offset at max", "TopicS", 2, 4, nil, store.OffsetOverflowOne, 4, 0, 4, 0},
		{"offset past max", "TopicS", 2, 9, nil, store.OffsetOverflowBadly, 4, 0, 4, 0},
		{"found", "TopicS", 2, 1, nil, store.Found, 4, 0, 4, 3},
		{"none match", "TopicS", 2, 1, none, store.NoMatchedMessage, 4, 0, 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.GetMessages(tt.topic, tt.queue, tt.offset, 32, 0, 0, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.status || res.NextBeginOffset != tt.next || res.MinOffset != tt.min ||
				res.MaxOffset != tt.max || len(res.Records) != tt.records {
				t.Fatalf("got %v next %d min %d max %d records %d; want %v next %d min %d max %d records %d",
					res.Status, res.NextBeginOffset, res.MinOffset, res.MaxOffset, len(res.Records),
					tt.status, tt.next, tt.min, tt.max, tt.records)
			}
		})
	}
}

func testLimits(t *testing.T, open Opener) {
	s := openIn(t, open, t.TempDir())
	for i := range 10 {
		PutDurable(t, s, Entry("TopicL", 0, fmt.Sprintf("%03d", i), ""))
	}
	size := len(Get(t, s, "TopicL", 0, 0, 1).Records[0])
	tests := []struct {
		name                      string
		maxMsgs, maxBytes, maxScn int
		records                   int
		next                      int64
	}{
		{"maxMsgs 0 means 1", 0, 0, 0, 1, 1},
		{"maxMsgs 4", 4, 0, 0, 4, 4},
		{"maxBytes for 3", 32, 3*size + size/2, 0, 3, 3},
		{"maxBytes below one still gives one", 32, 1, 0, 1, 1},
		{"maxScan 5", 32, 0, 5, 5, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.GetMessages("TopicL", 0, 0, tt.maxMsgs, tt.maxBytes, tt.maxScn, nil)
			if err != nil || res.Status != store.Found || len(res.Records) != tt.records || res.NextBeginOffset != tt.next {
				t.Fatalf("got %v, %d records, next %d, err %v; want %d records, next %d",
					res.Status, len(res.Records), res.NextBeginOffset, err, tt.records, tt.next)
			}
			var joined []byte
			for _, r := range res.Records {
				joined = append(joined, r...)
			}
			if _, err := message.DecodeAll(joined); err != nil {
				t.Fatalf("records do not decode back to back: %v", err)
			}
		})
	}
}

func testSearchOffset(t *testing.T, open Opener) {
	s := openIn(t, open, t.TempDir())
	var ts []int64
	for i := range 12 {
		ts = append(ts, PutDurable(t, s, Entry("TopicT", 0, fmt.Sprint(i), "")).StoreTimestamp)
		if i%3 == 2 {
			time.Sleep(3 * time.Millisecond)
		}
	}
	firstAtOrAfter := func(v int64) int64 {
		for i, x := range ts {
			if x >= v {
				return int64(i)
			}
		}
		return int64(len(ts))
	}
	probes := []int64{ts[0] - 1000, ts[0], ts[4], ts[7] + 1, ts[11], ts[11] + 1}
	for _, p := range probes {
		if got, want := s.SearchOffset("TopicT", 0, p), firstAtOrAfter(p); got != want {
			t.Errorf("SearchOffset(%d) = %d, want %d (timestamps %v)", p, got, want, ts)
		}
	}
	if got := s.SearchOffset("Missing", 0, ts[0]); got != 0 {
		t.Errorf("SearchOffset on a missing queue = %d", got)
	}
}

func testStoreTime(t *testing.T, open Opener) {
	s := openIn(t, open, t.TempDir())
	r0 := PutDurable(t, s, Entry("TopicST", 0, "a", ""))
	r1 := PutDurable(t, s, Entry("TopicST", 0, "b", ""))
	for i, want := range []int64{r0.StoreTimestamp, r1.StoreTimestamp} {
		if got, err := s.StoreTime("TopicST", 0, int64(i)); err != nil || got != want {
			t.Errorf("StoreTime(%d) = %d, %v; want %d", i, got, err, want)
		}
	}
	for _, off := range []int64{-1, 2, 100} {
		if _, err := s.StoreTime("TopicST", 0, off); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("StoreTime(%d) err = %v, want ErrNotFound", off, err)
		}
	}
	if _, err := s.StoreTime("Missing", 0, 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("StoreTime on a missing queue: %v", err)
	}
}

func testReadAt(t *testing.T, open Opener) {
	s := openIn(t, open, t.TempDir())
	var offs []int64
	for i := range 3 {
		offs = append(offs, PutDurable(t, s, Entry("TopicR", 0, fmt.Sprint(i), "")).PhysicalOffset)
	}
	got := Get(t, s, "TopicR", 0, 0, 32)
	for i, off := range offs {
		rec, err := s.ReadAt(off)
		if err != nil || !bytes.Equal(rec, got.Records[i]) {
			t.Fatalf("ReadAt(%d) = %d bytes, %v; want the pulled record", off, len(rec), err)
		}
	}
	for _, off := range []int64{offs[1] + 1, offs[2] + 4096*1024, -5} {
		if _, err := s.ReadAt(off); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ReadAt(%d) err = %v, want ErrNotFound", off, err)
		}
	}
}

func testDeleteTopic(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := openIn(t, open, dir)
	for q := range int32(2) {
		PutDurable(t, s, Entry("Doomed", q, "x", ""), Entry("Doomed", q, "y", ""))
	}
	PutDurable(t, s, Entry("Kept", 0, "k", ""))
	if err := s.DeleteTopic("Doomed"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteTopic("NeverExisted"); err != nil {
		t.Fatalf("DeleteTopic of a missing topic: %v", err)
	}
	check := func(s store.MessageStore) {
		t.Helper()
		if got := s.Topics(); fmt.Sprint(got) != "[Kept]" {
			t.Fatalf("Topics after delete = %v", got)
		}
		if s.MaxOffset("Doomed", 0) != 0 || len(s.Queues("Doomed")) != 0 {
			t.Fatalf("deleted topic still has queues")
		}
		if res := Get(t, s, "Doomed", 0, 0, 32); res.Status != store.NoMessageInQueue {
			t.Fatalf("get on deleted topic: %v", res.Status)
		}
		if res := Get(t, s, "Kept", 0, 0, 32); res.Status != store.Found || len(res.Records) != 1 {
			t.Fatalf("kept topic: %v", res.Status)
		}
	}
	check(s)
	s.Close()
	s = openIn(t, open, dir)
	check(s)
	if res := PutDurable(t, s, Entry("Doomed", 0, "again", "")); res.QueueOffset != 0 {
		t.Fatalf("re-created topic starts at %d, want 0", res.QueueOffset)
	}
	again := func(s store.MessageStore) {
		t.Helper()
		if res := Get(t, s, "Doomed", 0, 0, 32); len(res.Records) != 1 || string(Decode(t, res.Records[0]).Body) != "again" {
			t.Fatalf("re-created topic: %v, %d records", res.Status, len(res.Records))
		}
		if s.MaxOffset("Doomed", 1) != 0 {
			t.Fatalf("re-created topic got back its deleted queue 1")
		}
	}
	again(s)
	s.Close()
	again(openIn(t, open, dir))
}

func testReopen(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := openIn(t, open, dir)
	var last store.PutResult
	for i := range 20 {
		last = PutDurable(t, s, Entry("TopicP", int32(i%2), fmt.Sprint(i), "tag"))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openIn(t, open, dir)
	if s.MaxOffset("TopicP", 0) != 10 || s.MaxOffset("TopicP", 1) != 10 || s.CommitLogMaxOffset() != last.EndOffset {
		t.Fatalf("after reopen: max %d/%d, commitlog end %d (want 10/10, %d)",
			s.MaxOffset("TopicP", 0), s.MaxOffset("TopicP", 1), s.CommitLogMaxOffset(), last.EndOffset)
	}
	for q := range int32(2) {
		res := Get(t, s, "TopicP", q, 0, 32)
		for i, rec := range res.Records {
			if m := Decode(t, rec); string(m.Body) != fmt.Sprint(2*i+int(q)) {
				t.Fatalf("queue %d record %d = %q", q, i, m.Body)
			}
		}
	}
	res := PutDurable(t, s, Entry("TopicP", 0, "next", ""))
	if res.QueueOffset != 10 || res.PhysicalOffset != last.EndOffset {
		t.Fatalf("put after reopen: %+v, want queue offset 10 at %d", res, last.EndOffset)
	}
}

func testConcurrent(t *testing.T, open Opener) {
	s := openIn(t, open, t.TempDir())
	const writers, perWriter, queues = 8, 40, 3
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var readerErr error
	var rwg sync.WaitGroup
	rwg.Add(1)
	go func() {
		defer rwg.Done()
		next := make([]int64, queues)
		for {
			select {
			case <-stop:
				return
			default:
			}
			for q := range queues {
				res, err := s.GetMessages("TopicC", int32(q), next[q], 16, 0, 0, nil)
				if err != nil {
					readerErr = err
					return
				}
				if res.Status == store.NoMatchedMessage {
					// Without a filter, a visible unit must lead to its record.
					readerErr = fmt.Errorf("queue %d offset %d: NO_MATCHED_MESSAGE without a filter (max %d)", q, next[q], res.MaxOffset)
					return
				}
				for i, rec := range res.Records {
					m, _, err := message.Decode(rec)
					if err != nil || m.QueueOffset != next[q]+int64(i) {
						readerErr = fmt.Errorf("queue %d: record %d at offset %d: %v", q, i, m.QueueOffset, err)
						return
					}
				}
				if res.Status == store.Found {
					next[q] = res.NextBeginOffset
				}
			}
		}
	}()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				q := int32((w + i) % queues)
				if _, err := s.Put([]store.Entry{Entry("TopicC", q, fmt.Sprintf("%d-%d", w, i), "")}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	close(stop)
	rwg.Wait()
	if readerErr != nil {
		t.Fatal(readerErr)
	}
	total := int64(0)
	for q := range int32(queues) {
		res, _ := s.GetMessages("TopicC", q, 0, 1000, 0, 1000, nil)
		for i, rec := range res.Records {
			if m := Decode(t, rec); m.QueueOffset != int64(i) {
				t.Fatalf("queue %d: record %d has offset %d", q, i, m.QueueOffset)
			}
		}
		total += int64(len(res.Records))
	}
	if total != writers*perWriter {
		t.Fatalf("read %d messages, want %d", total, writers*perWriter)
	}
}

func testInvalidPut(t *testing.T, open Opener) {
	s := openIn(t, open, t.TempDir())
	big := Entry("TopicI", 0, "", "")
	big.Msg.Body = make([]byte, 64<<20)
	tests := []struct {
		name    string
		entries []store.Entry
		want    error
	}{
		{"empty", nil, store.ErrInvalidEntry},
		{"mixed topics", []store.Entry{Entry("A", 0, "a", ""), Entry("B", 0, "b", "")}, store.ErrInvalidEntry},
		{"mixed queues", []store.Entry{Entry("A", 0, "a", ""), Entry("A", 1, "b", "")}, store.ErrInvalidEntry},
		{"topic with slash", []store.Entry{Entry("a/b", 0, "a", "")}, store.ErrInvalidEntry},
		{"negative queue", []store.Entry{Entry("A", -1, "a", "")}, store.ErrInvalidEntry},
		{"too large", []store.Entry{big}, store.ErrMessageTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Put(tt.entries); !errors.Is(err, tt.want) {
				t.Fatalf("Put err = %v, want %v", err, tt.want)
			}
		})
	}
	if s.CommitLogMaxOffset() != 0 || len(s.Topics()) != 0 {
		t.Fatalf("a refused Put left data: end %d, topics %v", s.CommitLogMaxOffset(), s.Topics())
	}
}

func testClosed(t *testing.T, open Opener) {
	s := openIn(t, open, t.TempDir())
	PutDurable(t, s, Entry("TopicX", 0, "a", ""))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := s.Put([]store.Entry{Entry("TopicX", 0, "b", "")}); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("Put after Close: %v", err)
	}
	if _, err := s.GetMessages("TopicX", 0, 0, 1, 0, 0, nil); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("GetMessages after Close: %v", err)
	}
	fired := make(chan error, 1)
	s.OnDurable(1<<40, func(err error) { fired <- err })
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("OnDurable after Close never fired")
	}
}
