package db

import (
	"context"
	"database/sql"
	"sync"

	"gorm.io/gorm"
)

// txKey is the context key of the *txState of the innermost InTx.
type txKey struct{}

// txState is one outermost transaction: its handle and the hooks to run
// after it commits. mu guards done, committed and hooks, because fn may hand
// ctx to goroutines that call AfterCommit concurrently.
type txState struct {
	tx   *gorm.DB
	pool *sql.DB

	mu        sync.Mutex
	done      bool
	committed bool
	hooks     []func()
}

func stateFrom(ctx context.Context) *txState {
	st, _ := ctx.Value(txKey{}).(*txState)
	return st
}

// live reports whether the transaction is still open.
func (s *txState) live() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.done
}

// add queues fn; it reports whether fn should run now instead, because the
// transaction has already committed.
func (s *txState) add(fn func()) (runNow bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return s.committed
	}
	s.hooks = append(s.hooks, fn)
	return false
}

// finish marks the transaction done and, after a commit, runs the queued
// hooks in registration order.
func (s *txState) finish(committed bool) {
	s.mu.Lock()
	hooks := s.hooks
	s.hooks, s.done, s.committed = nil, true, committed
	s.mu.Unlock()
	if !committed {
		return
	}
	for _, fn := range hooks {
		fn()
	}
}

// AfterCommit runs fn once after the outermost transaction in ctx commits,
// and never if it rolls back. Without a transaction in ctx (or after that
// transaction committed) fn runs at once, on the caller's goroutine. Hooks
// run on the goroutine of the outermost InTx, before InTx returns; a hook
// should be quick (a cache DEL, a Relay.Notify).
func AfterCommit(ctx context.Context, fn func()) {
	st := stateFrom(ctx)
	if st == nil || st.add(fn) {
		fn()
	}
}
