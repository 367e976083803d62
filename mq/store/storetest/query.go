package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/store"
)

// keyedEntry is Entry with a KEYS property added.
func keyedEntry(topic, body, keys string) store.Entry {
	e := Entry(topic, 0, body, "")
	e.Msg.Properties = message.WithProperty(e.Msg.Properties, message.PropKeys, keys)
	return e
}

// queryBodies returns the bodies of QueryByKey's records, in order.
func queryBodies(t *testing.T, s store.MessageStore, topic, key string, maxNum int, begin, end int64) []string {
	t.Helper()
	recs, err := s.QueryByKey(topic, key, maxNum, begin, end)
	if err != nil {
		t.Fatalf("QueryByKey(%s, %q): %v", topic, key, err)
	}
	var out []string
	for _, rec := range recs {
		m := Decode(t, rec)
		if m.Topic != topic {
			t.Fatalf("QueryByKey(%s, %q) returned a record of %s", topic, key, m.Topic)
		}
		out = append(out, string(m.Body))
	}
	return out
}

func testQueryByKey(t *testing.T, open Opener) {
	dir := t.TempDir()
	s := openIn(t, open, dir)
	var first, last store.PutResult
	for i := range 12 {
		res := PutDurable(t, s, keyedEntry("TopicK", fmt.Sprint("k-", i), fmt.Sprintf("order-%d all", i%3)))
		if i == 0 {
			first = res
		}
		last = res
	}
	PutDurable(t, s, keyedEntry("OtherK", "other", "order-0"))
	check := func(s store.MessageStore) {
		t.Helper()
		if got := queryBodies(t, s, "TopicK", "order-1", 0, 0, 0); !slices.Equal(got, []string{"k-10", "k-7", "k-4", "k-1"}) {
			t.Fatalf("by KEYS entry: %q", got)
		}
		if got := queryBodies(t, s, "TopicK", "k-5", 0, 0, 0); !slices.Equal(got, []string{"k-5"}) {
			t.Fatalf("by UNIQ_KEY: %q", got)
		}
		if got := queryBodies(t, s, "TopicK", "all", 5, 0, 0); !slices.Equal(got, []string{"k-11", "k-10", "k-9", "k-8", "k-7"}) {
			t.Fatalf("maxNum 5: %q", got)
		}
		if got := queryBodies(t, s, "TopicK", "all", 0, last.StoreTimestamp+1, 0); len(got) != 0 {
			t.Fatalf("after the last store time: %q", got)
		}
		if got := queryBodies(t, s, "TopicK", "all", 0, first.StoreTimestamp, last.StoreTimestamp); len(got) != 12 {
			t.Fatalf("within the store times: %d records", len(got))
		}
		if got := queryBodies(t, s, "OtherK", "order-0", 0, 0, 0); !slices.Equal(got, []string{"other"}) {
			t.Fatalf("other topic: %q", got)
		}
		if got := queryBodies(t, s, "TopicK", "missing", 0, 0, 0); len(got) != 0 {
			t.Fatalf("missing key: %q", got)
		}
	}
	check(s)
	if ts, off := s.IndexLastUpdate(); ts < last.StoreTimestamp || off <= last.PhysicalOffset {
		t.Fatalf("IndexLastUpdate = %d, %d; last put %+v", ts, off, last)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	check(openIn(t, open, dir))
}
