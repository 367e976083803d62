package broker

import (
	"testing"
	"time"
)

func TestLockTable(t *testing.T) {
	now := time.Unix(1000, 0)
	q0, q1 := messageQueue{Topic: "T", BrokerName: "b", QueueID: 0}, messageQueue{Topic: "T", BrokerName: "b", QueueID: 1}
	lt := newLockTable()
	if got := lt.tryLock("g", "c1", []messageQueue{q0, q1}, now); len(got) != 2 {
		t.Fatalf("c1 locked %v", got)
	}
	if got := lt.tryLock("g", "c2", []messageQueue{q0, q1}, now.Add(time.Second)); len(got) != 0 {
		t.Fatalf("c2 took held locks %v", got)
	}
	if got := lt.tryLock("other", "c2", []messageQueue{q0}, now); len(got) != 1 {
		t.Fatalf("another group is independent, got %v", got)
	}
	if got := lt.tryLock("g", "c1", []messageQueue{q0}, now.Add(50*time.Second)); len(got) != 1 {
		t.Fatalf("c1 renewal refused: %v", got)
	}
	// q1 was not renewed: it expires after lockMaxLive; q0 was renewed at +50s.
	got := lt.tryLock("g", "c2", []messageQueue{q0, q1}, now.Add(lockMaxLive+2*time.Second))
	if len(got) != 1 || got[0] != q1 {
		t.Fatalf("after expiry c2 got %v, want only q1", got)
	}
	lt.unlock("g", "c1", []messageQueue{q1}) // not c1's any more: no effect
	if got := lt.tryLock("g", "c1", []messageQueue{q1}, now.Add(lockMaxLive+3*time.Second)); len(got) != 0 {
		t.Fatalf("c1 unlocked c2's queue: %v", got)
	}
	lt.unlock("g", "c1", []messageQueue{q0})
	if got := lt.tryLock("g", "c2", []messageQueue{q0}, now.Add(lockMaxLive+4*time.Second)); len(got) != 1 {
		t.Fatalf("q0 not free after unlock: %v", got)
	}
}

func TestDelayLevel(t *testing.T) {
	s := &scheduler{levels: []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}}
	tests := []struct {
		props string
		want  int
		err   bool
	}{
		{"", 0, false},
		{"DELAY\x010", 0, false},
		{"DELAY\x01-4", 0, false},
		{"DELAY\x012", 2, false},
		{"DELAY\x0199", 3, false},
		{"DELAY\x01two", 0, true},
	}
	for _, tt := range tests {
		got, err := s.delayLevel(tt.props)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("delayLevel(%q) = %d, %v; want %d, err %v", tt.props, got, err, tt.want, tt.err)
		}
	}
}
