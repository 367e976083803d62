// Package dbtest gives tests fresh, migrated databases: a SQLite file in
// t.TempDir() always, and a throw-away MariaDB/MySQL database when
// SAGASHOP_TEST_MYSQL_DSN is set. Without that variable MySQL tests skip,
// unless CI=true, in which case they fail.
package dbtest

import (
	"context"
	"embed"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
)

// EnvMySQLDSN names the variable holding the DSN of a test MySQL server; the
// user needs the privilege to create and drop databases.
const EnvMySQLDSN = "SAGASHOP_TEST_MYSQL_DSN"

//go:embed migrations
var common embed.FS

// Common returns migrations creating consumed_events and outbox_events with
// the DDL of pkg/db/schema.md (dirs mysql/ and sqlite/, version 0001).
func Common() fs.FS {
	sub, err := fs.Sub(common, "migrations")
	if err != nil { // cannot happen: the dir is embedded
		return common
	}
	return sub
}

// RequireEnv returns the value of the variable name, or ends the test: it
// skips when the variable is unset, and fails instead when CI=true.
func RequireEnv(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v != "" {
		return v
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set and CI=true", name)
	}
	t.Skipf("%s is not set", name)
	return ""
}

// SQLite opens a new SQLite database in t.TempDir(), applies migrations when
// not nil, and closes it when the test ends.
func SQLite(t testing.TB, migrations fs.FS) *gorm.DB {
	t.Helper()
	gdb, err := db.Open(db.Options{Driver: db.DriverSQLite, DSN: filepath.Join(t.TempDir(), "test.db")})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = db.Close(gdb) })
	migrate(t, gdb, migrations)
	return gdb
}

// Each runs fn as the subtest "sqlite", and as "mysql" on a fresh database
// (see MySQL: skipped or failed without SAGASHOP_TEST_MYSQL_DSN).
func Each(t *testing.T, migrations fs.FS, fn func(t *testing.T, gdb *gorm.DB)) {
	t.Helper()
	t.Run(db.DriverSQLite, func(t *testing.T) { fn(t, SQLite(t, migrations)) })
	t.Run(db.DriverMySQL, func(t *testing.T) { fn(t, MySQL(t, migrations)) })
}

func migrate(t testing.TB, gdb *gorm.DB, migrations fs.FS) {
	t.Helper()
	if migrations == nil {
		return
	}
	if err := db.Migrate(context.Background(), gdb, migrations); err != nil {
		t.Fatalf("migrate: %v", err)
	}
}
