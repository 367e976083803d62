package idem_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sagashop/sagashop/pkg/idem"
)

var errOther = errors.New("other")

func TestRetry(t *testing.T) {
	conflict := fmt.Errorf("%w: orders sn=1 version 3", idem.ErrConflict)
	tests := []struct {
		name      string
		attempts  int
		results   []error // result of call i; calls past the end succeed
		wantCalls int
		wantIs    []error
		wantNil   bool
	}{
		{name: "success first", attempts: 3, wantCalls: 1, wantNil: true},
		{name: "conflict then success", attempts: 3, results: []error{conflict, conflict}, wantCalls: 3, wantNil: true},
		{name: "conflicts exhaust", attempts: 3, results: []error{conflict, conflict, conflict, conflict}, wantCalls: 3, wantIs: []error{idem.ErrConflict}},
		{name: "other error not retried", attempts: 5, results: []error{errOther}, wantCalls: 1, wantIs: []error{errOther}},
		{name: "conflict then other", attempts: 5, results: []error{conflict, errOther}, wantCalls: 2, wantIs: []error{errOther}},
		{name: "zero attempts runs once", attempts: 0, results: []error{conflict}, wantCalls: 1, wantIs: []error{idem.ErrConflict}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := idem.Retry(context.Background(), tt.attempts, func(context.Context) error {
				calls++
				if calls <= len(tt.results) {
					return tt.results[calls-1]
				}
				return nil
			})
			if calls != tt.wantCalls {
				t.Errorf("calls = %d, want %d", calls, tt.wantCalls)
			}
			if tt.wantNil != (err == nil) {
				t.Fatalf("err = %v, want nil: %v", err, tt.wantNil)
			}
			for _, target := range tt.wantIs {
				if !errors.Is(err, target) {
					t.Errorf("err = %v, want errors.Is %v", err, target)
				}
			}
		})
	}
}

func TestRetryStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := idem.Retry(ctx, 1000, func(context.Context) error {
		calls++
		if calls == 2 {
			cancel()
		}
		return idem.ErrConflict
	})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, idem.ErrConflict) {
		t.Fatalf("err = %v, want context.Canceled and ErrConflict", err)
	}
	if calls != 2 {
		t.Fatalf("calls = %d, want 2", calls)
	}
}

func TestRetryBackoffBounded(t *testing.T) {
	start := time.Now()
	_ = idem.Retry(context.Background(), 6, func(context.Context) error { return idem.ErrConflict })
	// five sleeps, each at most 50ms and at least 1ms
	if d := time.Since(start); d < 5*time.Millisecond || d > 2*time.Second {
		t.Fatalf("six attempts took %v", d)
	}
}
