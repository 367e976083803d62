package db

import (
	"context"
	"fmt"
)

// Deduper is the dedup table of one consumer group: Claim inserts into
// consumed_events through the transaction of tx carried by ctx, the one
// that makes the business change. The services' biz.Deduper ports are
// this type.
type Deduper struct {
	tx    *Tx
	group string
}

// NewDeduper returns the dedup claim of consumer group on tx's database.
func NewDeduper(tx *Tx, group string) *Deduper {
	return &Deduper{tx: tx, group: group}
}

// Claim is Claim(ctx, <the transaction in ctx>, group, eventID): true when
// the event is new, false when the group handled it already.
func (d *Deduper) Claim(ctx context.Context, eventID string) (bool, error) {
	fresh, err := Claim(ctx, d.tx.DB(ctx), d.group, eventID)
	if err != nil {
		return false, fmt.Errorf("db: dedup: %w", err)
	}
	return fresh, nil
}
