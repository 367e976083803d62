package idem

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// The backoff ceiling starts at 2ms and doubles up to 50ms; each sleep is
// drawn from the upper half of the ceiling, so sleeps fall in [1ms, 50ms].
const (
	minBackoff = 2 * time.Millisecond
	maxBackoff = 50 * time.Millisecond
)

// Retry runs fn up to attempts times (at least once) while it fails with an
// error matching ErrConflict, sleeping a jittered, doubling backoff between
// 1ms and 50ms before each new attempt.
//
// It returns nil on success and any other error of fn unchanged. When the
// attempts are used up it returns the last error wrapped with the attempt
// count; when ctx ends during a backoff it returns ctx's error together with
// the last error. Both still match ErrConflict.
func Retry(ctx context.Context, attempts int, fn func(ctx context.Context) error) error {
	attempts = max(attempts, 1)
	backoff := minBackoff
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			if werr := sleep(ctx, jitter(backoff)); werr != nil {
				return fmt.Errorf("idem: retry stopped after %d attempts: %w: %w", i, werr, err)
			}
			backoff = min(2*backoff, maxBackoff)
		}
		err = fn(ctx)
		if err == nil || !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("idem: gave up after %d attempts: %w", attempts, err)
}

// jitter returns a duration in [d/2, d], so that concurrent losers of the
// same race do not collide again in lockstep.
func jitter(d time.Duration) time.Duration {
	half := d / 2
	return half + rand.N(half+1)
}

// sleep waits for d or until ctx ends, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
