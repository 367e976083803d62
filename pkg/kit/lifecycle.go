package kit

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Lifecycle is a kratos transport.Server for a service's background workers
// (producers, the outbox relay, the consumer, sweeps). Start runs the start
// hooks in the order they were added and returns; if one fails, the hooks
// already started are stopped in reverse. Stop runs the stop hooks of the
// started hooks in reverse order, so a consumer added last stops first,
// before the producers it may use. Add must not be called after Start.
type Lifecycle struct {
	mu      sync.Mutex
	hooks   []hook
	started int // hooks[:started] are running
}

type hook struct {
	name        string
	start, stop func(context.Context) error
}

// Add appends a worker. A nil start or stop is a no-op.
func (l *Lifecycle) Add(name string, start, stop func(context.Context) error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hooks = append(l.hooks, hook{name: name, start: start, stop: stop})
}

// Start starts every worker in order.
func (l *Lifecycle) Start(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := l.started; i < len(l.hooks); i++ {
		h := l.hooks[i]
		if h.start != nil {
			if err := h.start(ctx); err != nil {
				serr := l.stopLocked(ctx)
				return errors.Join(fmt.Errorf("kit: start %s: %w", h.name, err), serr)
			}
		}
		l.started = i + 1
	}
	return nil
}

// Stop stops the started workers in reverse order and returns every error.
func (l *Lifecycle) Stop(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stopLocked(ctx)
}

// stopLocked needs l.mu held.
func (l *Lifecycle) stopLocked(ctx context.Context) error {
	var errs []error
	for i := l.started - 1; i >= 0; i-- {
		h := l.hooks[i]
		if h.stop != nil {
			if err := h.stop(ctx); err != nil {
				errs = append(errs, fmt.Errorf("kit: stop %s: %w", h.name, err))
			}
		}
	}
	l.started = 0
	return errors.Join(errs...)
}
