package server

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/go-kratos/kratos/v2/log"
)

// SweepFunc runs one sweep and returns how many orders it cancelled.
type SweepFunc func(ctx context.Context, grace time.Duration) (int, error)

// Sweeper runs the backstop sweep every interval on a goroutine it owns
// between Start and Stop.
type Sweeper struct {
	sweep    SweepFunc
	interval time.Duration
	grace    time.Duration
	log      *log.Helper

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewSweeper returns a sweeper calling sweep every interval (> 0) with grace.
func NewSweeper(sweep SweepFunc, interval, grace time.Duration, logger log.Logger) (*Sweeper, error) {
	if sweep == nil || interval <= 0 || grace < 0 {
		return nil, errors.New("server: sweeper needs a sweep, an interval > 0 and a grace >= 0")
	}
	if logger == nil {
		logger = log.NewStdLogger(io.Discard)
	}
	return &Sweeper{sweep: sweep, interval: interval, grace: grace,
		log: log.NewHelper(log.With(logger, "module", "order/sweeper"))}, nil
}

// Start starts the loop; it returns at once. Starting a running sweeper
// is a no-op.
func (s *Sweeper) Start(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.done = cancel, make(chan struct{})
	go s.loop(ctx, s.done)
	return nil
}

// Stop ends the loop and waits for a sweep in progress, or for ctx.
func (s *Sweeper) Stop(ctx context.Context) error {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.cancel, s.done = nil, nil
	s.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Sweeper) loop(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := s.sweep(ctx, s.grace)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Errorf("sweep: %v (cancelled %d)", err, n)
		case n > 0:
			s.log.Warnf("sweep cancelled %d overdue orders", n)
		}
	}
}
