package messaging

import (
	"reflect"
	"testing"
)

func TestNsResolver(t *testing.T) {
	r, err := newNsResolver([]string{"127.0.0.1:9876", "localhost:9877"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"127.0.0.1:9876", "127.0.0.1:9877"}
	if got := r.Resolve(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Resolve() = %v, want %v", got, want)
	}
	// A lookup that fails later keeps the last good answer.
	r.addrs = []string{"no-such-host.invalid:9876"}
	if got := r.Resolve(); !reflect.DeepEqual(got, want) {
		t.Fatalf("after a failed lookup Resolve() = %v, want %v", got, want)
	}
	if _, err := newNsResolver([]string{"no-such-host.invalid:9876"}); err == nil {
		t.Fatal("an unresolvable NameServer was accepted")
	}
}
