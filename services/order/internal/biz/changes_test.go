package biz

import "testing"

// signalled reports whether ch holds a signal, without waiting.
func signalled(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestNotifier(t *testing.T) {
	n := NewNotifier()
	a, stopA := n.Subscribe("SN1")
	b, stopB := n.Subscribe("SN1")
	other, stopOther := n.Subscribe("SN2")

	n.Notify("SN1")
	n.Notify("SN1") // coalesces with the pending signal instead of blocking
	n.Notify("NOBODY")
	if !signalled(a) || !signalled(b) {
		t.Fatal("a watcher of SN1 got no signal")
	}
	if signalled(a) || signalled(b) {
		t.Fatal("two notifies left two signals; they should coalesce")
	}
	if signalled(other) {
		t.Fatal("the watcher of SN2 was signalled for SN1")
	}

	stopA()
	stopA() // a second stop does nothing
	n.Notify("SN1")
	if signalled(a) || !signalled(b) {
		t.Fatal("a stopped watcher was signalled, or a live one was not")
	}
	stopB()
	stopOther()
	if len(n.watchers) != 0 {
		t.Fatalf("watchers left after every stop: %v", n.watchers)
	}
}
