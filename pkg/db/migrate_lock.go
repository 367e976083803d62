package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"
)

// lockMySQL takes the server-wide advisory lock that serializes Migrate for
// the current database, waiting until it is free or ctx ends. The lock
// belongs to conn's session: conn must stay open until unlock is called.
func lockMySQL(ctx context.Context, conn *sql.Conn) (unlock func(), err error) {
	var dbName sql.NullString
	if err := conn.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&dbName); err != nil {
		return nil, fmt.Errorf("db: migrate: current database: %w", err)
	}
	name := migrateLockName(dbName.String)
	for {
		var got sql.NullInt64
		// a short server-side wait per round lets ctx cancel a long wait
		if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 1)", name).Scan(&got); err != nil {
			return nil, fmt.Errorf("db: migrate: GET_LOCK(%s): %w", name, err)
		}
		if got.Valid && got.Int64 == 1 {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("db: migrate: waiting for GET_LOCK(%s): %w", name, err)
		}
	}
	return func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		// closing conn would release the lock as well; this just does it early
		var released sql.NullInt64
		_ = conn.QueryRowContext(rctx, "SELECT RELEASE_LOCK(?)", name).Scan(&released)
	}, nil
}

// migrateLockName returns the lock name for a database; MySQL limits lock
// names to 64 characters, so long database names are hashed.
func migrateLockName(database string) string {
	name := "sagashop_migrate:" + database
	if len(name) <= 64 {
		return name
	}
	sum := sha256.Sum256([]byte(database))
	return "sagashop_migrate:" + hex.EncodeToString(sum[:20])
}
