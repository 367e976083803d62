package outbox

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"github.com/go-kratos/kratos/v2/transport"
	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/messaging"
)

// Sender sends one message; messaging.Producer implements it. Send blocks
// until the broker accepted the message (nil) or not (an error), and must
// return soon after ctx is cancelled. The relay calls it from one goroutine.
type Sender interface {
	Send(ctx context.Context, m messaging.Message) error
}

// RelayOptions configures NewRelay. Zero fields take the defaults below.
type RelayOptions struct {
	// DB holds outbox_events. Required.
	DB *gorm.DB
	// Sender sends the rows. Required.
	Sender Sender
	// PollInterval is how often the relay looks for rows without a Notify
	// (rows of other processes, missed wake-ups); default 200ms.
	PollInterval time.Duration
	// BatchSize is how many rows one read fetches; default 100.
	BatchSize int
	// Logger receives send failures; default discards them.
	Logger log.Logger
}

// Backoff after a failed round: doubles from minBackoff up to maxBackoff.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 2 * time.Second
)

// Relay sends the rows of outbox_events in id order and deletes each after
// it was sent. Its goroutine is started by Start and stopped by Stop, so a
// Relay can be run as a kratos transport.Server. Safe for concurrent use.
type Relay struct {
	o    RelayOptions
	log  *log.Helper
	wake chan struct{} // capacity 1: coalesces Notify calls

	mu      sync.Mutex // guards started and stopped
	started bool
	stopped bool
	quit    chan struct{}      // closed by Stop: finish the current send, then exit
	cancel  context.CancelFunc // cancels the current send when Stop's ctx ends
	done    chan struct{}      // closed when the goroutine exits
}

var _ transport.Server = (*Relay)(nil)

// NewRelay validates o and returns a relay that is not started.
func NewRelay(o RelayOptions) (*Relay, error) {
	switch {
	case o.DB == nil:
		return nil, fmt.Errorf("%w: DB is nil", ErrBadOptions)
	case o.Sender == nil:
		return nil, fmt.Errorf("%w: Sender is nil", ErrBadOptions)
	case o.PollInterval < 0 || o.BatchSize < 0:
		return nil, fmt.Errorf("%w: negative PollInterval or BatchSize", ErrBadOptions)
	}
	if o.PollInterval == 0 {
		o.PollInterval = 200 * time.Millisecond
	}
	if o.BatchSize == 0 {
		o.BatchSize = 100
	}
	if o.Logger == nil {
		o.Logger = nopLogger{}
	}
	return &Relay{
		o:    o,
		log:  log.NewHelper(log.With(o.Logger, "module", "outbox")),
		wake: make(chan struct{}, 1),
		quit: make(chan struct{}),
		done: make(chan struct{}),
	}, nil
}

// Notify wakes the relay to look for rows now. It never blocks; calls made
// while a wake-up is pending coalesce into it.
func (r *Relay) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Add is Add(ctx, tx, rec) followed by db.AfterCommit(ctx, r.Notify): the
// relay wakes once the business transaction commits.
func (r *Relay) Add(ctx context.Context, tx *gorm.DB, rec Record) error {
	if err := Add(ctx, tx, rec); err != nil {
		return err
	}
	db.AfterCommit(ctx, r.Notify)
	return nil
}

// Start starts the relay's goroutine and returns at once. ctx provides
// values (for logging) only: the relay runs until Stop. A relay starts
// once; a second Start returns ErrStarted.
func (r *Relay) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started || r.stopped {
		return ErrStarted
	}
	r.started = true
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.cancel = cancel
	go r.loop(runCtx)
	return nil
}

// Stop asks the goroutine to exit after the message it is sending, and waits
// for it. When ctx ends first, the current send is cancelled (its row stays
// and is sent again later), Stop still waits for the goroutine, and returns
// ctx's error. Stop before Start, or a second Stop, returns nil.
func (r *Relay) Stop(ctx context.Context) error {
	r.mu.Lock()
	started, first := r.started, !r.stopped
	if first {
		r.stopped = true
		close(r.quit)
	}
	r.mu.Unlock()
	if !started {
		return nil
	}
	select {
	case <-r.done:
		r.cancel()
		return nil
	case <-ctx.Done():
		r.cancel()
		<-r.done
		return fmt.Errorf("outbox: stop: %w", ctx.Err())
	}
}

// nopLogger discards everything.
type nopLogger struct{}

// Log discards keyvals.
func (nopLogger) Log(log.Level, ...any) error { return nil }
