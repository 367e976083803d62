package messaging

import (
	"fmt"
	"sync"
)

// lifecycle is the start/shutdown state shared by producers and
// consumers: new, then started, then shut down, never back.
type lifecycle struct {
	mu    sync.Mutex // guards state; held while the client starts or stops
	state int
}

const (
	stateNew = iota
	stateStarted
	stateShutdown
)

// start runs f once, when the state is new. A second start is a no-op;
// start after shutdown fails with ErrShutdown. f failing leaves the state
// shut down: the client cannot be started again.
func (l *lifecycle) start(what string, f func() error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch l.state {
	case stateStarted:
		return nil
	case stateShutdown:
		return fmt.Errorf("%w: %s", ErrShutdown, what)
	}
	if err := f(); err != nil {
		l.state = stateShutdown
		return err
	}
	l.state = stateStarted
	return nil
}

// shutdown runs f(wasStarted) once; later calls return nil.
func (l *lifecycle) shutdown(f func(wasStarted bool) error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.state == stateShutdown {
		return nil
	}
	started := l.state == stateStarted
	l.state = stateShutdown
	return f(started)
}

// usable returns nil when started, else ErrNotStarted or ErrShutdown.
func (l *lifecycle) usable(what string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch l.state {
	case stateNew:
		return fmt.Errorf("%w: %s", ErrNotStarted, what)
	case stateShutdown:
		return fmt.Errorf("%w: %s", ErrShutdown, what)
	}
	return nil
}
