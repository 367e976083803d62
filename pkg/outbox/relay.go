package outbox

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
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
	// PollInterval is how often the relay reads the table for rows that
	// were not handed to it (rows of other processes or of before a crash,
	// hand-offs dropped on a full queue); default 200ms.
	PollInterval time.Duration
	// BatchSize is how many rows one read fetches and one delete removes;
	// default 100.
	BatchSize int
	// QueueSize is how many committed rows Relay.Add may hand over before
	// the relay sends them; further hand-offs are dropped (the poll sends
	// those rows); default 1024.
	QueueSize int
	// Logger receives send failures; default discards them.
	Logger log.Logger
}

// Backoff after a failed round: doubles from minBackoff up to maxBackoff.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 2 * time.Second
)

// Relay sends the rows of outbox_events and deletes them once sent, in
// batches. Rows come from two sources: the committed rows Relay.Add hands
// over in memory (sent without reading the table), and the table itself,
// read at start, on Notify, every PollInterval, and after a failure. Its
// goroutine is started by Start and stopped by Stop, so a Relay can be run
// as a kratos transport.Server. Safe for concurrent use.
type Relay struct {
	o       RelayOptions
	log     *log.Helper
	wake    chan struct{} // capacity 1: coalesces Notify calls
	handoff chan row      // committed rows from Relay.Add, capacity QueueSize
	// overflow is set when a hand-off was dropped; until the next read of
	// the table, later hand-offs are dropped too and the relay reads the
	// table before it takes more from the queue, so that the dropped row is
	// not overtaken by the rows committed after it.
	overflow atomic.Bool

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
	case o.PollInterval < 0 || o.BatchSize < 0 || o.QueueSize < 0:
		return nil, fmt.Errorf("%w: negative PollInterval, BatchSize or QueueSize", ErrBadOptions)
	}
	if o.PollInterval == 0 {
		o.PollInterval = 200 * time.Millisecond
	}
	if o.BatchSize == 0 {
		o.BatchSize = 100
	}
	if o.QueueSize == 0 {
		o.QueueSize = 1024
	}
	if o.Logger == nil {
		o.Logger = nopLogger{}
	}
	return &Relay{
		o:       o,
		log:     log.NewHelper(log.With(o.Logger, "module", "outbox")),
		wake:    make(chan struct{}, 1),
		handoff: make(chan row, o.QueueSize),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
	}, nil
}

// Notify wakes the relay to read the table now. It never blocks; calls made
// while a wake-up is pending coalesce into it. Rows added with Relay.Add
// need no Notify.
func (r *Relay) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Add is Add(ctx, tx, rec) that also hands the inserted row to the relay
// once the transaction commits (db.AfterCommit), so that the relay sends it
// without reading the table. tx must be the transaction InTx carries in ctx
// (db.Tx.DB(ctx)), or the plain database: a transaction ctx does not carry
// (one begun with gorm's Transaction) commits after the hook, so its row is
// not handed over but left to the poll. A rolled-back row is never handed
// over. rec.Body is copied.
func (r *Relay) Add(ctx context.Context, tx *gorm.DB, rec Record) error {
	rw, fresh, err := insert(ctx, tx, rec)
	if err != nil {
		return err
	}
	if !fresh || rw.ID == 0 { // the event was in the table already (or no id came back): the poll sends it
		db.AfterCommit(ctx, r.Notify)
		return nil
	}
	rw.Body = bytes.Clone(rw.Body)
	// AfterCommit runs the hook at once when ctx carries no open
	// transaction. That is after the commit only if tx is not a
	// transaction either (each statement commits on its own).
	var registered atomic.Bool
	db.AfterCommit(ctx, func() {
		if !registered.Load() && inTransaction(tx) {
			r.Notify()
			return
		}
		r.handOff(rw)
	})
	registered.Store(true)
	return nil
}

// handOff queues the committed row rw for the relay's goroutine. It never
// blocks: on a full queue it drops rw and wakes the relay, whose read of the
// table finds it. After Stop the row stays in the table for the next start.
func (r *Relay) handOff(rw row) {
	if r.quitting() {
		return
	}
	if !r.overflow.Load() {
		select {
		case r.handoff <- rw:
			return
		default:
			r.overflow.Store(true)
		}
	}
	r.Notify()
}

// inTransaction reports whether tx is bound to a database transaction.
func inTransaction(tx *gorm.DB) bool {
	_, ok := tx.Statement.ConnPool.(gorm.TxCommitter)
	return ok
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

// Stop asks the goroutine to exit after the message it is sending, deletes
// the rows sent so far, and waits for the goroutine. Rows handed over and
// not sent yet stay in the table for the next start. When ctx ends first,
// the current send and the delete are cancelled (their rows stay and are
// sent again later), Stop still waits for the goroutine, and returns ctx's
// error. Stop before Start, or a second Stop, returns nil.
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
