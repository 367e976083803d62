package data

import (
	"context"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

type deduper struct {
	d     *Data
	group string
}

// NewDeduper returns the dedup table of consumer group (ConsumerGroup in
// production); Claim joins the transaction in ctx.
func NewDeduper(d *Data, group string) biz.Deduper { return deduper{d: d, group: group} }

func (x deduper) Claim(ctx context.Context, eventID string) (bool, error) {
	return db.Claim(ctx, x.d.tx.DB(ctx), x.group, eventID)
}
