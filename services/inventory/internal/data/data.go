// Package data implements the inventory's biz ports with gorm (MySQL or
// SQLite) and go-redis: products, stock rows with their Redis cache,
// reservations, the dedup table and the outbox publisher. The embedded SQL
// migrations (Migrations) create and seed the schema.
package data

import (
	"embed"
	"io/fs"

	"github.com/go-kratos/kratos/v2/log"
	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
)

//go:embed migrations
var migrations embed.FS

// Migrations returns the versioned SQL migrations (dirs mysql/ and
// sqlite/) for db.Migrate: 0001 creates the tables, 0002 seeds the
// catalogue.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil { // cannot happen: the dir is embedded
		return migrations
	}
	return sub
}

// ConsumerGroup is the inventory's consumer group, the key of its rows in
// consumed_events.
const ConsumerGroup = "inventory-service"

// Data holds the inventory's database and Redis handles shared by the
// repositories. The caller owns both and closes them.
type Data struct {
	db  *gorm.DB
	tx  *db.Tx
	rdb redis.UniversalClient
	log log.Logger
}

// NewData wraps an opened, migrated database and a Redis client (nil
// means no stock cache). logger nil means none.
func NewData(gdb *gorm.DB, rdb redis.UniversalClient, logger log.Logger) *Data {
	if logger == nil {
		logger = log.NewFilter(log.DefaultLogger, log.FilterLevel(log.LevelFatal))
	}
	return &Data{db: gdb, tx: db.NewTx(gdb), rdb: rdb, log: logger}
}

// Tx returns the transaction runner that every repository of d joins; it
// implements biz.Transaction.
func (d *Data) Tx() *db.Tx { return d.tx }
