// Package data implements the order service's biz ports: gorm repositories
// over MySQL or SQLite, the dedup claim and outbox publisher, the
// transaction-message publisher with its check-back, the delayed timeout
// sender, and the inventory catalogue client.
package data

import (
	"embed"
	"io/fs"
)

//go:embed migrations/mysql/*.sql migrations/sqlite/*.sql
var migrations embed.FS

// Migrations returns the service's SQL migrations for db.Migrate: the dirs
// "mysql/" and "sqlite/".
func Migrations() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil { // cannot happen: the directory is embedded
		return migrations
	}
	return sub
}
