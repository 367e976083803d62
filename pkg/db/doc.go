// Package db bootstraps gorm for the services (MySQL or SQLite), applies SQL
// migrations, and carries one transaction per unit of work in the context.
//
// A use case opens the transaction with Tx.InTx; every repository takes its
// handle from Tx.DB(ctx), so all of them share the transaction (the pattern of
// go-kratos/examples transaction/gorm). Inside it, Claim records a consumed
// event (the dedup insert shares the business change's transaction),
// UpdateVersioned applies an optimistic update, and AfterCommit defers side
// effects (cache invalidation, outbox wake-up) until the outermost commit.
//
// Lock and busy errors of either database and lost version checks all match
// idem.ErrConflict, so idem.Retry can run the whole transaction again.
//
// schema.md beside this file gives the DDL of the tables every service
// migration creates (consumed_events, outbox_events).
package db
