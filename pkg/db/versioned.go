package db

import (
	"database/sql"
	"fmt"
	"regexp"
	"sync"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/sagashop/sagashop/pkg/idem"
)

// identifier matches the table and column names UpdateVersioned accepts;
// anything else is refused rather than quoted.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// UpdateVersioned applies an optimistic update through tx:
//
//	UPDATE table SET <set>, version = version + 1, updated_at = <now>
//	WHERE keyCol = key AND version = version
//
// updated_at is set only when the table has that column and set does not
// name it. When no row matches (the row moved on, or does not exist) it
// returns an error wrapping idem.ErrConflict with the values involved. set
// must not name version; identifiers must be plain SQL names.
func UpdateVersioned(tx *gorm.DB, table string, keyCol string, key any, version int64, set map[string]any) error {
	if !identifier.MatchString(table) || !identifier.MatchString(keyCol) {
		return fmt.Errorf("%w: identifier %q.%q", ErrBadArgument, table, keyCol)
	}
	tx = tx.Session(&gorm.Session{NewDB: true}) // drop conditions chained by the caller
	values := make(map[string]any, len(set)+2)
	for col, v := range set {
		if !identifier.MatchString(col) || col == "version" {
			return fmt.Errorf("%w: set column %q", ErrBadArgument, col)
		}
		values[col] = v
	}
	values["version"] = gorm.Expr("version + 1")
	if _, ok := values["updated_at"]; !ok && hasUpdatedAt(tx, table) {
		values["updated_at"] = tx.NowFunc()
	}
	res := tx.Table(table).
		Where(clause.Eq{Column: clause.Column{Name: keyCol}, Value: key}).
		Where(clause.Eq{Column: clause.Column{Name: "version"}, Value: version}).
		Updates(values)
	if res.Error != nil {
		return fmt.Errorf("db: update %s %s=%v version %d: %w", table, keyCol, key, version, classify(res.Error))
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("%w: %s %s=%v version %d", idem.ErrConflict, table, keyCol, key, version)
	}
	return nil
}

// updatedAtCols caches, per connection pool and table, whether the table has
// an updated_at column. Schemas change only through migrations at start-up.
var updatedAtCols sync.Map // updatedAtKey -> bool

type updatedAtKey struct {
	pool  *sql.DB
	table string
}

// hasUpdatedAt reports whether table has an updated_at column; a failed
// lookup is not cached and counts as false.
func hasUpdatedAt(tx *gorm.DB, table string) bool {
	pool, err := tx.DB()
	if err != nil {
		return false
	}
	k := updatedAtKey{pool: pool, table: table}
	if v, ok := updatedAtCols.Load(k); ok {
		return v.(bool)
	}
	q := "SELECT COUNT(*) FROM information_schema.columns" +
		" WHERE table_schema = DATABASE() AND table_name = ? AND column_name = 'updated_at'"
	if tx.Dialector.Name() == DriverSQLite {
		q = "SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = 'updated_at'"
	}
	var n int64
	if err := tx.Raw(q, table).Scan(&n).Error; err != nil {
		return false
	}
	updatedAtCols.Store(k, n > 0)
	return n > 0
}
