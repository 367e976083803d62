package db

import (
	"fmt"
	"time"

	"github.com/go-kratos/kratos/v2/log"
)

// Driver names accepted in Options.Driver.
const (
	DriverMySQL  = "mysql"
	DriverSQLite = "sqlite"
)

// Options configures Open. Zero fields take the defaults below.
type Options struct {
	// Driver is "mysql" or "sqlite". Required.
	Driver string
	// DSN is a go-sql-driver/mysql DSN for mysql, a file path (or ":memory:")
	// for sqlite. Required.
	DSN string
	// MaxOpenConns caps open connections; default 20. Forced to 1 for sqlite.
	MaxOpenConns int
	// MaxIdleConns caps idle connections; default MaxOpenConns. With fewer,
	// every burst above the cap closes connections after one use and opens
	// new ones (TCP and authentication handshakes) for the next requests.
	// Forced to 1 for sqlite.
	MaxIdleConns int
	// ConnMaxLifetime recycles connections; default 30m. Ignored for sqlite.
	ConnMaxLifetime time.Duration
	// SlowThreshold is the duration above which a query is logged at warn; default 200ms.
	SlowThreshold time.Duration
	// Logger receives gorm's logs; default discards them.
	Logger log.Logger
}

// DefaultOptions returns the defaults for the given driver and DSN.
func DefaultOptions(driver, dsn string) Options {
	return Options{
		Driver:          driver,
		DSN:             dsn,
		MaxOpenConns:    20,
		MaxIdleConns:    20,
		ConnMaxLifetime: 30 * time.Minute,
		SlowThreshold:   200 * time.Millisecond,
	}
}

// withDefaults fills zero fields from DefaultOptions and validates the result.
func (o Options) withDefaults() (Options, error) {
	d := DefaultOptions(o.Driver, o.DSN)
	if o.MaxOpenConns == 0 {
		o.MaxOpenConns = d.MaxOpenConns
	}
	if o.MaxIdleConns == 0 {
		o.MaxIdleConns = o.MaxOpenConns
	}
	if o.ConnMaxLifetime == 0 {
		o.ConnMaxLifetime = d.ConnMaxLifetime
	}
	if o.SlowThreshold == 0 {
		o.SlowThreshold = d.SlowThreshold
	}
	if o.Logger == nil {
		o.Logger = nopLogger{}
	}
	switch {
	case o.Driver != DriverMySQL && o.Driver != DriverSQLite:
		return o, fmt.Errorf("%w: %q", ErrUnknownDriver, o.Driver)
	case o.DSN == "":
		return o, fmt.Errorf("%w: empty DSN", ErrBadOptions)
	case o.MaxOpenConns < 0 || o.MaxIdleConns < 0 || o.ConnMaxLifetime < 0 || o.SlowThreshold < 0:
		return o, fmt.Errorf("%w: negative pool setting", ErrBadOptions)
	}
	if o.Driver == DriverSQLite {
		// One writer at a time is all SQLite allows; one connection also keeps
		// ":memory:" alive and makes lock waits happen in Go, not in SQLite.
		o.MaxOpenConns, o.MaxIdleConns, o.ConnMaxLifetime = 1, 1, 0
	}
	return o, nil
}
