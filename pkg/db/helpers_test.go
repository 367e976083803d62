package db_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
)

// testFS builds a migrations fs holding the same files for both dialects;
// files maps "NNNN_name.sql" to its SQL. SQLite gets DATETIME for
// DATETIME(6): its driver turns only plain DATE/DATETIME/TIMESTAMP columns
// into time.Time.
func testFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, src := range files {
		m["mysql/"+name] = &fstest.MapFile{Data: []byte(src)}
		m["sqlite/"+name] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(src, "DATETIME(6)", "DATETIME"))}
	}
	return m
}

// appFS is the common tables plus the tables the tests below use.
var appFS = func() fs.FS {
	m := testFS(map[string]string{
		"0002_app.sql": `
CREATE TABLE items (
  id   BIGINT      NOT NULL PRIMARY KEY,
  name VARCHAR(64) NOT NULL
);
CREATE TABLE stocks (
  sku        VARCHAR(64) NOT NULL PRIMARY KEY,
  available  BIGINT      NOT NULL,
  version    BIGINT      NOT NULL,
  updated_at DATETIME(6) NOT NULL
);
-- no updated_at here, as payment_orders
CREATE TABLE locks (
  order_sn VARCHAR(64) NOT NULL PRIMARY KEY,
  status   VARCHAR(16) NOT NULL,
  version  BIGINT      NOT NULL
);
`})
	for _, d := range []string{"mysql", "sqlite"} {
		src, err := fs.ReadFile(dbtest.Common(), d+"/0001_common.sql")
		if err != nil {
			panic(err) // embedded; cannot fail
		}
		m[d+"/0001_common.sql"] = &fstest.MapFile{Data: src}
	}
	return m
}()

// count returns the number of rows of table matching where.
func count(t *testing.T, gdb *gorm.DB, table string, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := gdb.Table(table)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func insertItem(ctx context.Context, tx *db.Tx, id int64, name string) error {
	return tx.DB(ctx).Exec("INSERT INTO items (id, name) VALUES (?, ?)", id, name).Error
}
