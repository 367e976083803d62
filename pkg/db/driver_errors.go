package db

import (
	"errors"
	"fmt"

	gosqlite "github.com/glebarez/go-sqlite"
	mysqldrv "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/idem"
)

// MySQL/MariaDB server error numbers.
const (
	mysqlDupEntry     = 1062 // ER_DUP_ENTRY
	mysqlLockWait     = 1205 // ER_LOCK_WAIT_TIMEOUT
	mysqlDeadlock     = 1213 // ER_LOCK_DEADLOCK
	mariadbCheckRead  = 1020 // ER_CHECKREAD: record changed since last read (MariaDB snapshot isolation)
	sqliteBusy        = 5    // SQLITE_BUSY (primary code)
	sqliteLocked      = 6    // SQLITE_LOCKED (primary code)
	sqliteUniqueKey   = 2067 // SQLITE_CONSTRAINT_UNIQUE
	sqlitePrimaryKey  = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
	sqlitePrimaryMask = 0xff // extended result code -> primary result code
)

// IsDuplicateKey reports whether err is a unique or primary key violation of
// MySQL/MariaDB (1062) or SQLite, raw or translated by gorm.
func IsDuplicateKey(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var me *mysqldrv.MySQLError
	if errors.As(err, &me) {
		return me.Number == mysqlDupEntry
	}
	var se *gosqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqliteUniqueKey || se.Code() == sqlitePrimaryKey
	}
	return false
}

// isRetryable reports whether err means the transaction lost a lock race
// and may succeed when run again.
func isRetryable(err error) bool {
	var me *mysqldrv.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case mysqlDeadlock, mysqlLockWait, mariadbCheckRead:
			return true
		}
		return false
	}
	var se *gosqlite.Error
	if errors.As(err, &se) {
		code := se.Code() & sqlitePrimaryMask
		return code == sqliteBusy || code == sqliteLocked
	}
	return false
}

// classify wraps retryable database errors with idem.ErrConflict (once).
func classify(err error) error {
	if err == nil || errors.Is(err, idem.ErrConflict) || !isRetryable(err) {
		return err
	}
	return fmt.Errorf("%w: %w", idem.ErrConflict, err)
}
