package db_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
)

type appliedRow struct {
	Version int64
	Name    string
}

func applied(t *testing.T, gdb *gorm.DB) []appliedRow {
	t.Helper()
	var rows []appliedRow
	if err := gdb.Raw("SELECT version, name FROM schema_migrations ORDER BY version").Scan(&rows).Error; err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	return rows
}

func TestMigrateAppliesOnceInOrder(t *testing.T) {
	files := map[string]string{
		// 9 < 10 numerically although "9_" > "10" as text
		"9_log.sql":      "CREATE TABLE log (n INT NOT NULL, what VARCHAR(32) NOT NULL);\nINSERT INTO log (n, what) VALUES (1, 'nine');",
		"10_second.sql":  "-- depends on 9\nINSERT INTO log (n, what)\nVALUES (2, 'ten');\n\n-- trailing comment;\n",
		"0011_third.sql": "INSERT INTO log (n, what) VALUES (3, 'eleven')",
	}
	dbtest.Each(t, nil, func(t *testing.T, gdb *gorm.DB) {
		ctx := context.Background()
		for i := 0; i < 3; i++ {
			if err := db.Migrate(ctx, gdb, testFS(files)); err != nil {
				t.Fatalf("run %d: %v", i, err)
			}
		}
		var whats []string
		if err := gdb.Raw("SELECT what FROM log ORDER BY n").Scan(&whats).Error; err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(whats, ","); got != "nine,ten,eleven" {
			t.Fatalf("log = %s, want each file once, in version order", got)
		}
		want := []appliedRow{{9, "9_log.sql"}, {10, "10_second.sql"}, {11, "0011_third.sql"}}
		if got := applied(t, gdb); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("schema_migrations = %v, want %v", got, want)
		}

		files2 := map[string]string{"12_more.sql": "INSERT INTO log (n, what) VALUES (4, 'twelve');"}
		for k, v := range files {
			files2[k] = v
		}
		if err := db.Migrate(ctx, gdb, testFS(files2)); err != nil {
			t.Fatal(err)
		}
		if n := count(t, gdb, "log", ""); n != 4 {
			t.Fatalf("log rows = %d, want 4 (only the new file applied)", n)
		}
	})
}

func TestMigrateStopsAtFailingFile(t *testing.T) {
	files := map[string]string{
		"0001_ok.sql":    "CREATE TABLE ok1 (id INT NOT NULL PRIMARY KEY);",
		"0002_bad.sql":   "INSERT INTO ok1 (id) VALUES (1);\nINSERT INTO no_such_table (id) VALUES (1);",
		"0003_later.sql": "CREATE TABLE later (id INT NOT NULL PRIMARY KEY);",
	}
	dbtest.Each(t, nil, func(t *testing.T, gdb *gorm.DB) {
		err := db.Migrate(context.Background(), gdb, testFS(files))
		if !errors.Is(err, db.ErrMigrationFailed) {
			t.Fatalf("err = %v, want ErrMigrationFailed", err)
		}
		wantFile := gdb.Dialector.Name() + "/0002_bad.sql"
		if !strings.Contains(err.Error(), wantFile) || !strings.Contains(err.Error(), "statement 2") {
			t.Fatalf("err = %v, want it to name %s statement 2", err, wantFile)
		}
		if got := applied(t, gdb); len(got) != 1 || got[0].Version != 1 {
			t.Fatalf("schema_migrations = %v, want only 0001", got)
		}
		if n := count(t, gdb, "ok1", ""); n != 0 {
			t.Fatalf("ok1 rows = %d: the failed file's insert was not rolled back", n)
		}
		if gdb.Migrator().HasTable("later") {
			t.Fatal("0003 ran after 0002 failed")
		}
	})
}

func TestMigrateRejectsBadLayout(t *testing.T) {
	tests := []struct {
		name string
		fs   fstest.MapFS
	}{
		{name: "versions differ", fs: fstest.MapFS{
			"mysql/0001_a.sql":  {Data: []byte("SELECT 1;")},
			"mysql/0002_b.sql":  {Data: []byte("SELECT 1;")},
			"sqlite/0001_a.sql": {Data: []byte("SELECT 1;")},
		}},
		{name: "missing dir", fs: fstest.MapFS{"sqlite/0001_a.sql": {Data: []byte("SELECT 1;")}}},
		{name: "bad name", fs: fstest.MapFS{
			"mysql/init.sql":  {Data: []byte("SELECT 1;")},
			"sqlite/init.sql": {Data: []byte("SELECT 1;")},
		}},
		{name: "duplicate version", fs: fstest.MapFS{
			"mysql/0001_a.sql":  {Data: []byte("SELECT 1;")},
			"mysql/01_b.sql":    {Data: []byte("SELECT 1;")},
			"sqlite/0001_a.sql": {Data: []byte("SELECT 1;")},
			"sqlite/01_b.sql":   {Data: []byte("SELECT 1;")},
		}},
		{name: "root not stripped", fs: fstest.MapFS{
			"migrations/mysql/0001_a.sql":  {Data: []byte("SELECT 1;")},
			"migrations/sqlite/0001_a.sql": {Data: []byte("SELECT 1;")},
		}},
	}
	gdb := dbtest.SQLite(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Migrate(context.Background(), gdb, tt.fs)
			if !errors.Is(err, db.ErrBadMigrations) {
				t.Fatalf("err = %v, want ErrBadMigrations", err)
			}
		})
	}
}

// TestMigrateConcurrent runs Migrate from several pools at once, as several
// processes starting together would.
func TestMigrateConcurrent(t *testing.T) {
	files := map[string]string{
		"0001_t.sql": "CREATE TABLE t1 (id INT NOT NULL PRIMARY KEY);\nINSERT INTO t1 (id) VALUES (1);",
		"0002_u.sql": "CREATE TABLE t2 (id INT NOT NULL PRIMARY KEY);\nINSERT INTO t2 (id) VALUES (1);",
		"0003_v.sql": "INSERT INTO t1 (id) VALUES (2);",
	}
	dsns := map[string]func(t *testing.T) string{
		db.DriverSQLite: func(t *testing.T) string { return filepath.Join(t.TempDir(), "shared.db") },
		db.DriverMySQL:  func(t *testing.T) string { return dbtest.NewMySQLDatabase(t) },
	}
	for _, driver := range []string{db.DriverSQLite, db.DriverMySQL} {
		t.Run(driver, func(t *testing.T) {
			dsn := dsns[driver](t)
			const procs = 4
			pools := make([]*gorm.DB, procs)
			for i := range pools {
				gdb, err := db.Open(db.Options{Driver: driver, DSN: dsn})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = db.Close(gdb) })
				pools[i] = gdb
			}
			var wg sync.WaitGroup
			errs := make([]error, procs)
			for i, gdb := range pools {
				wg.Go(func() { errs[i] = db.Migrate(context.Background(), gdb, testFS(files)) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("migrate %d: %v", i, err)
				}
			}
			if got := applied(t, pools[0]); len(got) != 3 {
				t.Fatalf("schema_migrations = %v, want 3 rows", got)
			}
			if n := count(t, pools[0], "t1", ""); n != 2 {
				t.Fatalf("t1 rows = %d, want 2", n)
			}
		})
	}
}
