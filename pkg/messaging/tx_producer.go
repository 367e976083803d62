package messaging

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/go-kratos/kratos/v2/log"
)

// TxState is the outcome of a transaction as a Checker reports it.
type TxState int

// Transaction states.
const (
	// TxUnknown asks the broker to check back later.
	TxUnknown TxState = iota
	// TxCommit makes the message visible to consumers.
	TxCommit
	// TxRollback drops the message.
	TxRollback
)

// Checker answers the broker's check-back for a half message whose
// outcome the broker did not learn: the producer crashed or the end of the
// transaction was lost. It must decide from durable state (the local
// database) and answer TxUnknown when it cannot tell yet. It runs on one
// goroutine per TxProducer, so it should not block long; a panic is
// recovered and answers TxUnknown. ctx is cancelled by Shutdown.
type Checker func(ctx context.Context, d Delivery) TxState

// TxProducer sends transaction messages. It is safe for concurrent use.
//
// The broker sends check-backs to a producer of the group that has
// registered with it by heartbeat. Client v2.1.2 heartbeats 1s after Start
// and every 30s after that, and only to brokers serving topics it has sent
// to; so a TxProducer that has not sent yet (say, just restarted after a
// crash) is not asked until it has sent once and heartbeated.
type TxProducer struct {
	opts   ProducerOptions
	log    *log.Helper
	check  Checker
	client rocketmq.TransactionProducer
	life   lifecycle

	// calls maps the propTxRef of each SendInTransaction in progress to
	// its *txCall, so that the client's listener, which only gets the
	// message, finds the local function, and a check-back for a message
	// whose local function still runs is answered TxUnknown.
	calls  sync.Map
	prefix string // of every propTxRef this producer makes
	seq    atomic.Int64

	ctx    context.Context // for the Checker; cancelled by Shutdown
	cancel context.CancelFunc
}

// txCall is one SendInTransaction in progress.
type txCall struct {
	ctx   context.Context
	local func(ctx context.Context) error
	err   error        // local's result; written before state is set
	state atomic.Int32 // a TxState once local returned; -1 while it runs or before
}

const txRunning = -1

// NewTxProducer returns a transaction producer that is not started yet;
// check answers check-backs and is required.
func NewTxProducer(o ProducerOptions, check Checker) (*TxProducer, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if check == nil {
		return nil, fmt.Errorf("%w: no Checker", ErrInvalidOptions)
	}
	copts, err := clientOptions(o)
	if err != nil {
		return nil, err
	}
	p := newTxProducer(o, check)
	c, err := rocketmq.NewTransactionProducer(txListener{p}, copts...)
	if err != nil {
		p.cancel()
		return nil, fmt.Errorf("messaging: transaction producer %s: %w", o.Group, err)
	}
	p.client = c
	return p, nil
}

// newTxProducer returns a TxProducer without its client.
func newTxProducer(o ProducerOptions, check Checker) *TxProducer {
	nonce := make([]byte, 6)
	rand.Read(nonce) // never fails (crypto/rand since Go 1.24)
	p := &TxProducer{
		opts:   o,
		log:    helper(o.Logger, "messaging/tx_producer"),
		check:  check,
		prefix: o.InstanceName + "/" + hex.EncodeToString(nonce) + "/",
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	return p
}

// Start connects the producer; from then on it answers check-backs for
// its group. Calling it again is a no-op; after Shutdown it fails with
// ErrShutdown.
func (p *TxProducer) Start() error {
	return p.life.start("transaction producer "+p.opts.Group, func() error {
		if err := p.client.Start(); err != nil {
			return fmt.Errorf("messaging: start transaction producer %s: %w", p.opts.Group, err)
		}
		return nil
	})
}

// SendInTransaction sends m as a half message, runs local (its error rolls
// back and is returned as is), then commits. A check-back for a message
// whose local is still running answers TxUnknown. A send that fails before
// local runs gives an error wrapping ErrSendFailed (local is not called).
// A panic in local propagates to the caller; the broker then checks back
// and the Checker decides. The commit or rollback is sent one-way: if it
// is lost, the broker checks back.
func (p *TxProducer) SendInTransaction(ctx context.Context, m Message, local func(ctx context.Context) error) error {
	if err := p.life.usable("transaction producer " + p.opts.Group); err != nil {
		return err
	}
	if local == nil {
		return fmt.Errorf("%w: %s: no local transaction", ErrInvalidMessage, m.Topic)
	}
	pm, err := m.toPrimitive()
	if err != nil {
		return err
	}
	ref := p.prefix + strconv.FormatInt(p.seq.Add(1), 10)
	pm.WithProperty(propTxRef, ref)
	call := &txCall{ctx: ctx, local: local}
	call.state.Store(txRunning)
	p.calls.Store(ref, call)
	defer p.calls.Delete(ref)

	sendCtx, cancel := context.WithTimeout(ctx, p.opts.SendTimeout)
	defer cancel()
	res, err := p.client.SendMessageInTransaction(sendCtx, pm)
	if err != nil {
		return fmt.Errorf("%w: %s tag %q keys %q: %w", ErrSendFailed, m.Topic, m.Tag, m.Keys, err)
	}
	switch TxState(call.state.Load()) {
	case TxCommit:
		return nil
	case TxRollback:
		return call.err
	}
	return fmt.Errorf("%w: %s tag %q keys %q: status %s", ErrSendFailed, m.Topic, m.Tag, m.Keys, sendStatus(res.Status))
}

// Shutdown stops answering check-backs and closes the client. It is safe
// to call more than once.
func (p *TxProducer) Shutdown() error {
	return p.life.shutdown(func(bool) error {
		p.cancel()
		if err := p.client.Shutdown(); err != nil {
			return fmt.Errorf("messaging: shut down transaction producer %s: %w", p.opts.Group, err)
		}
		return nil
	})
}
