package message

import (
	"errors"
	"testing"

	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

// TestDecodeClientBatch decodes a body made by the official client.
func TestDecodeClientBatch(t *testing.T) {
	msgs := []*primitive.Message{
		primitive.NewMessage("t", []byte("one")),
		primitive.NewMessage("t", []byte("two")),
	}
	msgs[1].WithTag("TagB")
	body := producer.MarshalMessageBatch(msgs...)
	items, err := DecodeBatch(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || string(items[0].Body) != "one" || string(items[1].Body) != "two" {
		t.Fatalf("items: %+v", items)
	}
	if v, _ := Property(items[1].Properties, PropTags); v != "TagB" {
		t.Fatalf("tags of second: %q", items[1].Properties)
	}
	if again := AppendBatchItem(AppendBatchItem(nil, items[0]), items[1]); string(again) != string(body) {
		t.Fatalf("re-encoding differs")
	}
}

func TestDecodeBatchRejects(t *testing.T) {
	good := AppendBatchItem(nil, BatchItem{Body: []byte("x")})
	for name, in := range map[string][]byte{
		"short":      good[:3],
		"size large": append([]byte{0, 0, 1, 0}, good[4:]...),
		"size small": append([]byte{0, 0, 0, 5}, good[4:]...),
		"negative":   append([]byte{0xff, 0xff, 0xff, 0xff}, good[4:]...),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeBatch(in)
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTruncated) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func FuzzDecodeBatch(f *testing.F) {
	f.Add(AppendBatchItem(nil, BatchItem{Body: []byte("x"), Properties: "a\x01b"}))
	f.Fuzz(func(t *testing.T, b []byte) {
		items, err := DecodeBatch(b)
		if err != nil {
			return
		}
		var again []byte
		for _, it := range items {
			again = AppendBatchItem(again, it)
		}
		back, err := DecodeBatch(again)
		if err != nil || len(back) != len(items) {
			t.Fatalf("re-encoded batch: %d items, %v", len(back), err)
		}
		for i := range back {
			if string(back[i].Body) != string(items[i].Body) || back[i].Properties != items[i].Properties {
				t.Fatalf("item %d changed", i)
			}
		}
	})
}
