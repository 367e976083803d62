package db

import "errors"

var (
	// ErrUnknownDriver is returned by Open for a driver other than "mysql" or "sqlite".
	ErrUnknownDriver = errors.New("db: unknown driver")
	// ErrBadOptions is returned by Open for options it cannot use.
	ErrBadOptions = errors.New("db: bad options")
	// ErrBadMigrations is returned by Migrate when the migration files are
	// malformed: missing dialect dir, bad file name, duplicate version, or the
	// dialect dirs do not hold the same versions.
	ErrBadMigrations = errors.New("db: bad migrations")
	// ErrMigrationFailed is returned by Migrate when a migration file fails to apply.
	ErrMigrationFailed = errors.New("db: migration failed")
	// ErrBadArgument is returned by Claim and UpdateVersioned for arguments that
	// cannot be stored or are not plain SQL identifiers.
	ErrBadArgument = errors.New("db: bad argument")
)
