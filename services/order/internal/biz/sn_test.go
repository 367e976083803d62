package biz

import (
	"regexp"
	"testing"
	"time"
)

func TestNewSN(t *testing.T) {
	re := regexp.MustCompile(`^20260304050607891[0-9A-HJKMNP-TV-Z]{8}$`)
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		sn, err := NewSN(testNow)
		if err != nil {
			t.Fatal(err)
		}
		if !re.MatchString(sn) {
			t.Fatalf("sn %q does not match %v", sn, re)
		}
		if seen[sn] {
			t.Fatalf("duplicate sn %q within one millisecond after %d", sn, i)
		}
		seen[sn] = true
	}
	a, _ := NewSN(testNow)
	b, _ := NewSN(testNow.Add(time.Millisecond))
	if a[:17] >= b[:17] {
		t.Fatalf("sn %q not before %q", a, b)
	}
}
