package db

import (
	"context"
	"database/sql"

	"gorm.io/gorm"
)

// Tx runs units of work in one database transaction carried in the context.
// It is safe for concurrent use; create one per database and share it.
type Tx struct {
	db   *gorm.DB
	pool *sql.DB // identifies the database a transaction in ctx belongs to
}

// NewTx returns a Tx for the database gdb (as returned by Open).
func NewTx(gdb *gorm.DB) *Tx {
	pool, _ := gdb.DB() // nil for an unusual ConnPool: then any tx in ctx is joined
	return &Tx{db: gdb, pool: pool}
}

// InTx runs fn in a transaction and commits it when fn returns nil, or rolls
// it back when fn returns an error or panics.
//
// When ctx already carries a live transaction of the same database, fn joins
// it: no savepoint is taken, so the caller's error decides the outcome of the
// whole transaction. Hooks registered with AfterCommit run once, after the
// outermost commit. Deadlocks (MySQL 1213), lock wait timeouts (1205) and
// SQLite BUSY/LOCKED errors are returned wrapped with idem.ErrConflict, so the
// caller can run the whole InTx again with idem.Retry.
func (t *Tx) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if st := stateFrom(ctx); st != nil && st.pool == t.pool && st.live() {
		return classify(fn(ctx))
	}
	st := &txState{pool: t.pool}
	committed := false
	defer func() { st.finish(committed) }() // runs the hooks after a commit
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		st.tx = tx
		return fn(context.WithValue(ctx, txKey{}, st))
	})
	if err != nil {
		return classify(err)
	}
	committed = true
	return nil
}

// DB returns the transaction carried in ctx when it belongs to this database
// and is still open, else the base database; either way bound to ctx.
func (t *Tx) DB(ctx context.Context) *gorm.DB {
	if st := stateFrom(ctx); st != nil && st.pool == t.pool && st.live() {
		return st.tx.WithContext(ctx)
	}
	return t.db.WithContext(ctx)
}
