package db

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	mysqldrv "github.com/go-sql-driver/mysql"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
)

// pingTimeout bounds the connectivity check of Open.
const pingTimeout = 10 * time.Second

// sqlitePragmas are appended to every SQLite DSN. WAL lets readers of other
// processes proceed during a write; busy_timeout makes a locked database wait
// instead of failing at once; immediate transactions take the write lock at
// BEGIN, so a transaction never fails half-way when upgrading a read lock.
// synchronous(NORMAL) is durable across process crashes in WAL mode (an OS
// crash may lose the last commits).
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"

// Open connects to the database described by o and pings it.
//
// sqlite: DSN is a file path (its directory is created) or ":memory:"; the
// pool has one connection, so code inside InTx must use Tx.DB(ctx): a query
// on the base handle would wait for the connection the transaction holds.
// mysql: parseTime, UTC location, utf8mb4, clientFoundRows (RowsAffected
// counts matched rows, as on SQLite) and interpolateParams (one round trip
// per query) are forced on top of the DSN, and the session time_zone is
// '+00:00' unless the DSN sets one. gorm's NowFunc returns UTC truncated to
// microseconds, the precision of DATETIME(6). gorm does not wrap single
// writes in a transaction of their own: use InTx for a unit of several.
func Open(o Options) (*gorm.DB, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	var dialector gorm.Dialector
	switch o.Driver {
	case DriverMySQL:
		dialector, err = mysqlDialector(o.DSN)
	default:
		dialector, err = sqliteDialector(o.DSN)
	}
	if err != nil {
		return nil, err
	}
	gdb, err := gorm.Open(dialector, &gorm.Config{
		Logger:  newGormLogger(o.Logger, o.SlowThreshold),
		NowFunc: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		// A single write outside InTx is one statement, atomic on its own;
		// gorm's default BEGIN and COMMIT around it would triple its round
		// trips (the outbox relay deletes every row it sent this way).
		// Units of several statements use InTx.
		SkipDefaultTransaction: true,
	})
	if err != nil {
		return nil, fmt.Errorf("db: open %s: %w", o.Driver, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("db: open %s: %w", o.Driver, err)
	}
	sqlDB.SetMaxOpenConns(o.MaxOpenConns)
	sqlDB.SetMaxIdleConns(o.MaxIdleConns)
	sqlDB.SetConnMaxLifetime(o.ConnMaxLifetime)
	ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
	defer cancel()
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("db: ping %s: %w", o.Driver, err)
	}
	return gdb, nil
}

// Close closes the connection pool behind gdb.
func Close(gdb *gorm.DB) error {
	sqlDB, err := gdb.DB()
	if err != nil {
		return fmt.Errorf("db: close: %w", err)
	}
	if err := sqlDB.Close(); err != nil {
		return fmt.Errorf("db: close: %w", err)
	}
	return nil
}

func mysqlDialector(dsn string) (gorm.Dialector, error) {
	cfg, err := mysqldrv.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: mysql DSN: %w", ErrBadOptions, err)
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.ClientFoundRows = true
	// Without it every query with arguments is a server-side prepared
	// statement made for that one call: prepare, execute and close, three
	// round trips instead of one. Safe with the utf8mb4 forced below (the
	// driver refuses it with the multibyte charsets where it is not).
	cfg.InterpolateParams = true
	if _, ok := cfg.Params["time_zone"]; !ok {
		if cfg.Params == nil {
			cfg.Params = map[string]string{}
		}
		// NOW() and CURRENT_TIMESTAMP defaults in UTC too, like the times Go writes
		cfg.Params["time_zone"] = "'+00:00'"
	}
	if cfg.Collation == "" && cfg.Params["charset"] == "" {
		// available on MySQL 8.4 and MariaDB 10.11 alike (utf8mb4_0900_* is not)
		cfg.Collation = "utf8mb4_general_ci"
	}
	return gormmysql.New(gormmysql.Config{DSNConfig: cfg}), nil
}

func sqliteDialector(dsn string) (gorm.Dialector, error) {
	path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	if path != "" && path != ":memory:" && !strings.HasPrefix(dsn, "file::memory:") {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("db: sqlite directory: %w", err)
		}
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return sqlite.Open(dsn + sep + sqlitePragmas), nil
}
