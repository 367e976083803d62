package data

import (
	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

// NewDeduper returns the dedup table of consumer group (ConsumerGroup in
// production); Claim joins the transaction in ctx.
func NewDeduper(d *Data, group string) biz.Deduper { return db.NewDeduper(d.tx, group) }
