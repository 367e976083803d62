package db

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"gorm.io/gorm"
)

// schemaMigrationsDDL creates the table recording applied migrations.
var schemaMigrationsDDL = map[string]string{
	DriverMySQL: "CREATE TABLE IF NOT EXISTS schema_migrations (" +
		"version BIGINT NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, applied_at DATETIME(6) NOT NULL" +
		") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
	DriverSQLite: "CREATE TABLE IF NOT EXISTS schema_migrations (" +
		"version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at DATETIME NOT NULL)",
}

// Migrate applies the migrations in fsys that the database has not recorded
// yet, in version order, each exactly once.
//
// fsys has the dirs "mysql/" and "sqlite/" at its root (use fs.Sub on an
// embed.FS), holding NNNN_name.sql files with the same versions; the dir is
// chosen by gdb.Dialector.Name(). Statements are split on ';' at line end.
// Each file runs in one transaction together with its schema_migrations row
// (version, name, applied_at); MySQL commits DDL implicitly, so a MySQL file
// that fails half-way may leave its earlier DDL statements applied. The first
// failing file stops Migrate with an error naming it (ErrMigrationFailed).
//
// Concurrent Migrate calls are safe: on MySQL they serialize on GET_LOCK for
// the current database; on SQLite each file's transaction takes the write
// lock up front and re-checks schema_migrations.
func Migrate(ctx context.Context, gdb *gorm.DB, migrations fs.FS) error {
	dialect := gdb.Dialector.Name()
	if _, ok := schemaMigrationsDDL[dialect]; !ok {
		return fmt.Errorf("%w: %q", ErrUnknownDriver, dialect)
	}
	files, err := loadMigrations(migrations, dialect)
	if err != nil {
		return err
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("db: migrate: connection: %w", err)
	}
	defer conn.Close()
	if dialect == DriverMySQL {
		unlock, err := lockMySQL(ctx, conn)
		if err != nil {
			return err
		}
		defer unlock()
	}
	if _, err := conn.ExecContext(ctx, schemaMigrationsDDL[dialect]); err != nil {
		return fmt.Errorf("db: migrate: create schema_migrations: %w", err)
	}
	for _, m := range files {
		applied, err := applyMigration(ctx, conn, migrations, m)
		if err != nil {
			return err
		}
		if applied {
			logInfo(ctx, gdb, "msg", "applied migration", "file", m.path)
		}
	}
	return nil
}

// applyMigration runs one file and records it, unless it is recorded already.
func applyMigration(ctx context.Context, conn *sql.Conn, fsys fs.FS, m migration) (applied bool, err error) {
	src, err := fs.ReadFile(fsys, m.path)
	if err != nil {
		return false, fmt.Errorf("%w: %s: %w", ErrMigrationFailed, m.path, err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("%w: %s: begin: %w", ErrMigrationFailed, m.path, err)
	}
	defer func() {
		if err != nil || !applied {
			_ = tx.Rollback()
		}
	}()
	var n int64
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n); err != nil {
		return false, fmt.Errorf("%w: %s: read schema_migrations: %w", ErrMigrationFailed, m.path, err)
	}
	if n > 0 {
		return false, nil
	}
	for i, stmt := range splitStatements(string(src)) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return false, fmt.Errorf("%w: %s: statement %d: %w", ErrMigrationFailed, m.path, i+1, err)
		}
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		m.version, m.file, now); err != nil {
		return false, fmt.Errorf("%w: %s: record: %w", ErrMigrationFailed, m.path, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("%w: %s: commit: %w", ErrMigrationFailed, m.path, err)
	}
	return true, nil
}

// logInfo logs through the kratos logger given to Open, if gdb has one.
func logInfo(ctx context.Context, gdb *gorm.DB, kv ...any) {
	if g, ok := gdb.Logger.(*gormLogger); ok {
		g.log(ctx, log.LevelInfo, kv...)
	}
}
