package event

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// FuzzDecode checks that Decode never panics, that everything it fails
// on is ErrMalformed, and that what it accepts encodes to bytes that decode
// to the same envelope and encode to the same bytes again.
func FuzzDecode(f *testing.F) {
	for _, typ := range Types() {
		e, err := New(typ, "SN-1", 3, at, map[string]any{"a": []int{1, 2}, "b": "<x>"})
		if err != nil {
			f.Fatal(err)
		}
		b, err := Encode(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"event_id":"order:paid/S/1","type":"order:paid","order_sn":"S","version":1,"occurred_at":"0001-01-01T00:30:00+01:00","payload":{}}`))
	f.Add([]byte(`{"event_id":"order:paid/S/1","type":"order:paid","order_sn":"S","version":1,"occurred_at":"9999-12-31T23:59:59-01:00","payload":{"x":"\u00e9\ud800"}}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"payload":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := Decode(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Decode error %v does not wrap ErrMalformed", err)
			}
			return
		}
		enc, err := Encode(e)
		if err != nil {
			t.Fatalf("Encode(Decode(%q)): %v", b, err)
		}
		e2, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(%q))) = %q: %v", b, enc, err)
		}
		if !reflect.DeepEqual(e, e2) {
			t.Fatalf("round trip changed the envelope:\n%+v\n%+v", e, e2)
		}
		enc2, err := Encode(e2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not stable:\n%s\n%s", enc, enc2)
		}
	})
}
