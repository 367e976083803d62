// Package data implements the payment service's biz ports: the payment
// repository over gorm (MySQL or SQLite), the dedup claim, the outbox
// event publisher, and the order service client over gRPC. The repositories
// take their handle from the transaction carried in the context (db.Tx).
package data

import (
	"embed"
	"io/fs"
)

//go:embed migrations/mysql/*.sql migrations/sqlite/*.sql
var migrationFiles embed.FS

// Migrations returns the service's SQL migrations for db.Migrate: the dirs
// mysql/ and sqlite/ at the root.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "migrations" is valid.
		return migrationFiles
	}
	return sub
}
