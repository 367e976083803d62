//go:build !race

package remoting

// Allocation counts differ under the race detector, so these tests build
// only without it; `make test` runs them in a separate step without -race.

import "testing"

func TestDecodeJSONHeaderAllocs(t *testing.T) {
	hdr := []byte(sendMessageHeader)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := decodeJSONHeader(hdr); err != nil {
			t.Fatal(err)
		}
	})
	// The Command, one string for all text, and the map.
	if allocs > 6 {
		t.Errorf("%v allocations per SEND_MESSAGE header, want at most 6", allocs)
	}
}

func TestAppendFrameAllocs(t *testing.T) {
	for _, st := range []SerializeType{JSON, RocketMQ} {
		c := sendMessageCommand()
		c.Serialize = st
		c.Body = make([]byte, 300)
		var frame []byte
		if n := testing.AllocsPerRun(100, func() { frame, _ = AppendFrame(nil, c) }); n > 1 {
			t.Errorf("serialize %d: %v allocations into a nil slice, want 1", st, n)
		}
		buf := make([]byte, 0, 2*len(frame))
		if n := testing.AllocsPerRun(100, func() { AppendFrame(buf, c) }); n > 0 {
			t.Errorf("serialize %d: %v allocations into a large enough slice, want 0", st, n)
		}
	}
}
