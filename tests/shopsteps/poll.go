package shopsteps

import (
	"context"
	"errors"
	"testing"
	"time"
)

// pollEvery is how often Eventually and Poll ask again.
const pollEvery = 100 * time.Millisecond

// ReqCtx is the context of one HTTP call: 20 s, cancelled when the test
// ends.
func ReqCtx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// Eventually polls cond until it returns true or d passes; then the test
// fails with what and the last detail cond gave.
func Eventually(t testing.TB, d time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	if err := Poll(context.Background(), d, cond); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Poll is Eventually without the test: it returns an error after d.
func Poll(ctx context.Context, d time.Duration, cond func() (bool, string)) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var detail string
	for {
		var ok bool
		if ok, detail = cond(); ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.New("not within " + d.String() + "; last seen: " + detail)
		case <-time.After(pollEvery):
		}
	}
}
