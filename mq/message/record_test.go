package message

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"

	"github.com/apache/rocketmq-client-go/v2/primitive"
)

func sample() Message {
	return Message{
		Topic: "TopicTest", QueueID: 3, Flag: 7, QueueOffset: 42, PhysicalOffset: 4096,
		SysFlag: 0, BornTimestamp: 1700000000000, BornHost: netip.MustParseAddrPort("192.0.2.2:40000"),
		StoreTimestamp: 1700000000001, StoreHost: netip.MustParseAddrPort("127.0.0.1:10911"),
		ReconsumeTimes: 2, Body: []byte("hello world"),
		Properties: "TAGS\x01TagA\x02KEYS\x01k1 k2\x02UNIQ_KEY\x01C0000202\x02",
	}
}

func TestRecordRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Message)
	}{
		{"ipv4", func(*Message) {}},
		{"ipv6 born host", func(m *Message) { m.BornHost = netip.MustParseAddrPort("[2001:db8::1]:5") }},
		{"ipv4-mapped hosts", func(m *Message) { m.StoreHost = netip.MustParseAddrPort("[::ffff:127.0.0.1]:10911") }},
		{"empty body and props", func(m *Message) { m.Body = nil; m.Properties = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := sample()
			tt.edit(&m)
			rec, err := AppendRecord(nil, &m)
			if err != nil {
				t.Fatal(err)
			}
			if len(rec) != RecordSize(&m) {
				t.Fatalf("len %d, RecordSize %d", len(rec), RecordSize(&m))
			}
			got, n, err := Decode(rec)
			if err != nil || n != len(rec) {
				t.Fatalf("Decode: n=%d err=%v", n, err)
			}
			if got.Topic != m.Topic || got.QueueOffset != m.QueueOffset || !bytes.Equal(got.Body, m.Body) ||
				got.Properties != m.Properties || got.ReconsumeTimes != m.ReconsumeTimes ||
				got.StoreHost.Addr().Unmap() != m.StoreHost.Addr().Unmap() || got.BornHost.Port() != m.BornHost.Port() {
				t.Fatalf("round trip: got %+v want %+v", got, m)
			}
		})
	}
}

// TestClientDecodes checks the record against the official client's decoder.
func TestClientDecodes(t *testing.T) {
	a, b := sample(), sample()
	b.QueueOffset, b.PhysicalOffset, b.Topic = 43, 5000, "other"
	var buf []byte
	for _, m := range []*Message{&a, &b} {
		var err error
		if buf, err = AppendRecord(buf, m); err != nil {
			t.Fatal(err)
		}
	}
	PatchStore(buf[:RecordSize(&a)], 100, 8192, 1234)
	msgs := primitive.DecodeMessage(buf)
	if len(msgs) != 2 {
		t.Fatalf("client decoded %d messages", len(msgs))
	}
	m := msgs[0]
	if m.QueueOffset != 100 || m.CommitLogOffset != 8192 || m.StoreTimestamp != 1234 || m.Topic != "TopicTest" ||
		m.GetTags() != "TagA" || string(m.Body) != "hello world" || m.ReconsumeTimes != 2 || m.MsgId != "C0000202" {
		t.Fatalf("client view: %+v", m)
	}
	if m.OffsetMsgId != OffsetMsgID(a.StoreHost, 8192) || m.StoreHost != "127.0.0.1:10911" {
		t.Fatalf("offset msg id %q store host %q", m.OffsetMsgId, m.StoreHost)
	}
	if msgs[1].Topic != "other" || msgs[1].QueueOffset != 43 {
		t.Fatalf("second: %+v", msgs[1])
	}
}

func TestDecodeRejects(t *testing.T) {
	m := sample()
	rec, _ := AppendRecord(nil, &m)
	bad := func(f func([]byte)) []byte { c := bytes.Clone(rec); f(c); return c }
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrTruncated},
		{"truncated", rec[:len(rec)-1], ErrTruncated},
		{"tiny size", bad(func(b []byte) { b[3] = 10; b[0], b[1], b[2] = 0, 0, 0 }), ErrMalformed},
		{"bad magic", bad(func(b []byte) { b[4] = 0 }), ErrMalformed},
		{"body len past end", bad(func(b []byte) { b[84] = 0x7f }), ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := Decode(tt.in); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	long := sample()
	long.Topic = string(make([]byte, 128))
	if _, err := AppendRecord(nil, &long); !errors.Is(err, ErrTopicTooLong) {
		t.Fatalf("long topic: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	m := sample()
	rec, _ := AppendRecord(nil, &m)
	f.Add(rec)
	f.Add(rec[:50])
	f.Fuzz(func(t *testing.T, b []byte) {
		msgs, err := DecodeAll(b)
		if err != nil {
			return
		}
		var again []byte
		for i := range msgs {
			again, err = AppendRecord(again, &msgs[i])
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := DecodeAll(again); err != nil {
			t.Fatalf("re-encoded records do not decode: %v", err)
		}
	})
}
