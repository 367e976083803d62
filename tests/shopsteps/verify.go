package shopsteps

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/verify"
)

// Verify runs verify.Run with o, giving it up to timeout, and fails the
// test unless the report is OK; an OK report is logged.
func Verify(t testing.TB, timeout time.Duration, o verify.Options) {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	rep, err := verify.Run(c, o)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !rep.OK() {
		var b strings.Builder
		_ = rep.Write(&b)
		t.Errorf("verify is not OK:\n%s", b.String())
		return
	}
	t.Logf("verify: OK (%d orders, %d reservations, %d payments; %d reading(s) in %s)",
		rep.Orders, rep.Reservations, rep.Payments, rep.Rounds, rep.Elapsed.Round(time.Millisecond))
}
