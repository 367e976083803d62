package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"testing"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
)

// MySQL creates a new database on the server of SAGASHOP_TEST_MYSQL_DSN (the
// DSN's own database name is ignored), opens it with db.Open, applies
// migrations when not nil, and drops it when the test ends.
func MySQL(t testing.TB, migrations fs.FS) *gorm.DB {
	t.Helper()
	dsn := NewMySQLDatabase(t)
	gdb, err := db.Open(db.Options{Driver: db.DriverMySQL, DSN: dsn})
	if err != nil {
		t.Fatalf("open mysql: %v", err)
	}
	t.Cleanup(func() { _ = db.Close(gdb) })
	migrate(t, gdb, migrations)
	return gdb
}

// NewMySQLDatabase creates an empty database named sagashop_test_<random> on
// the server of SAGASHOP_TEST_MYSQL_DSN, registers its drop with t.Cleanup
// and returns a DSN for it.
func NewMySQLDatabase(t testing.TB) string {
	t.Helper()
	cfg, err := mysqldrv.ParseDSN(RequireEnv(t, EnvMySQLDSN))
	if err != nil {
		t.Fatalf("%s: %v", EnvMySQLDSN, err)
	}
	cfg.DBName = ""
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatalf("mysql admin connection: %v", err)
	}
	t.Cleanup(func() { _ = admin.Close() })

	var b [8]byte
	_, _ = rand.Read(b[:])
	name := "sagashop_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", name)); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	// Cleanups run last-in first-out: a pool opened by the caller after this
	// returns is closed before the drop.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS `%s`", name)); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	cfg.DBName = name
	return cfg.FormatDSN()
}
