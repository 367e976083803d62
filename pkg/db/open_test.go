package db_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
)

func TestOpenRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		o    db.Options
		want error
	}{
		{name: "unknown driver", o: db.Options{Driver: "postgres", DSN: "x"}, want: db.ErrUnknownDriver},
		{name: "empty DSN", o: db.Options{Driver: db.DriverSQLite}, want: db.ErrBadOptions},
		{name: "bad mysql DSN", o: db.Options{Driver: db.DriverMySQL, DSN: "no-at-sign(("}, want: db.ErrBadOptions},
		{name: "negative pool", o: db.Options{Driver: db.DriverSQLite, DSN: "x.db", MaxOpenConns: -1}, want: db.ErrBadOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := db.Open(tt.o); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestOpenSQLiteSettings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir", "shop.db")
	gdb, err := db.Open(db.Options{Driver: db.DriverSQLite, DSN: path, MaxOpenConns: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(gdb)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file: %v", err)
	}
	tests := []struct {
		pragma string
		want   string
	}{
		{pragma: "journal_mode", want: "wal"},
		{pragma: "busy_timeout", want: "10000"},
		{pragma: "foreign_keys", want: "1"},
	}
	for _, tt := range tests {
		t.Run(tt.pragma, func(t *testing.T) {
			var got string
			if err := gdb.Raw("PRAGMA " + tt.pragma).Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("PRAGMA %s = %q, want %q", tt.pragma, got, tt.want)
			}
		})
	}
	sqlDB, _ := gdb.DB()
	if n := sqlDB.Stats().MaxOpenConnections; n != 1 {
		t.Fatalf("MaxOpenConnections = %d, want 1", n)
	}
}

// TestTimesRoundTripUTC checks that gorm's clock and both drivers keep times
// in UTC with microseconds.
func TestTimesRoundTripUTC(t *testing.T) {
	dbtest.Each(t, appFS, func(t *testing.T, gdb *gorm.DB) {
		local := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3*3600))
		mustExec(t, gdb, "INSERT INTO stocks (sku, available, version, updated_at) VALUES ('S', 0, 1, ?)", local)
		var s stockRow
		if err := gdb.Table("stocks").Take(&s).Error; err != nil {
			t.Fatal(err)
		}
		if !s.UpdatedAt.Truncate(time.Microsecond).Equal(local.Truncate(time.Microsecond)) {
			t.Fatalf("read %v, wrote %v", s.UpdatedAt, local)
		}
		if now := gdb.NowFunc(); now.Location() != time.UTC || now.Nanosecond()%1000 != 0 {
			t.Fatalf("NowFunc() = %v, want UTC microseconds", now)
		}
		var claimed time.Time
		tx := db.NewTx(gdb)
		if _, err := db.Claim(context.Background(), tx.DB(context.Background()), "g", "e"); err != nil {
			t.Fatal(err)
		}
		if err := gdb.Raw("SELECT consumed_at FROM consumed_events").Scan(&claimed).Error; err != nil {
			t.Fatal(err)
		}
		if d := time.Since(claimed); d < 0 || d > time.Minute {
			t.Fatalf("consumed_at = %v, %v from now", claimed, d)
		}
	})
}

func TestMySQLSession(t *testing.T) {
	gdb := dbtest.MySQL(t, nil)
	tests := []struct {
		query, want string
	}{
		{query: "SELECT @@session.time_zone", want: "+00:00"},
		{query: "SELECT @@character_set_connection", want: "utf8mb4"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var got string
			if err := gdb.Raw(tt.query).Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("%s = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

// TestMySQLOneRoundTripPerQuery checks that a query with arguments is sent
// with its arguments in it, not as a prepared statement (prepare, execute
// and close: three round trips).
func TestMySQLOneRoundTripPerQuery(t *testing.T) {
	gdb := dbtest.MySQL(t, nil)
	ctx := context.Background()
	sqlDB, err := gdb.DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sqlDB.Conn(ctx) // session counters are per connection
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	prepared := func() int {
		var name string
		var n int
		if err := conn.QueryRowContext(ctx, "SHOW SESSION STATUS LIKE 'Com_stmt_prepare'").Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := prepared()
	tests := []struct {
		name string
		arg  any
		want string
	}{
		{"string with quotes", `it's a "test" \ `, `it's a "test" \ `},
		{"bytes", []byte{0, '\'', 0xff}, string([]byte{0, '\'', 0xff})},
		{"int", 42, "42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []byte
			if err := conn.QueryRowContext(ctx, "SELECT ?", tt.arg).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("SELECT ? = %q, want %q", got, tt.want)
			}
		})
	}
	if n := prepared() - before; n != 0 {
		t.Fatalf("%d statements prepared for %d queries, want 0", n, len(tests))
	}
}

// TestMySQLPoolKeepsConnections checks that with the default pool settings
// a burst of as many concurrent queries as MaxOpenConns leaves every
// connection open for the next burst instead of closing some after use.
func TestMySQLPoolKeepsConnections(t *testing.T) {
	dsn := dbtest.NewMySQLDatabase(t)
	gdb, err := db.Open(db.Options{Driver: db.DriverMySQL, DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(gdb)
	sqlDB, err := gdb.DB()
	if err != nil {
		t.Fatal(err)
	}
	n := db.DefaultOptions(db.DriverMySQL, dsn).MaxOpenConns
	for round := range 2 {
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := gdb.Exec("SELECT SLEEP(0.05)").Error; err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if st := sqlDB.Stats(); st.MaxIdleClosed != 0 || st.Idle != n {
			t.Fatalf("round %d: %d idle, %d closed for exceeding the idle cap; want %d idle, none closed", round, st.Idle, st.MaxIdleClosed, n)
		}
	}
}

// TestMySQLTransactions checks which calls open a transaction: InTx does,
// a single gorm write outside it does not (it is one autocommit statement).
func TestMySQLTransactions(t *testing.T) {
	gdb := dbtest.MySQL(t, appFS)
	sqlDB, err := gdb.DB()
	if err != nil {
		t.Fatal(err)
	}
	sqlDB.SetMaxOpenConns(1) // one session, so that its counter sees every call
	ctx := context.Background()
	tx := db.NewTx(gdb)
	begins := func() int {
		var name string
		var n int
		if err := gdb.Raw("SHOW SESSION STATUS LIKE 'Com_begin'").Row().Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	type item struct {
		ID   int64
		Name string
	}
	tests := []struct {
		name string
		op   func() error
		want int
	}{
		{"create", func() error { return gdb.Table("items").Create(&item{ID: 1, Name: "a"}).Error }, 0},
		{"update", func() error { return gdb.Table("items").Where("id = ?", 1).Update("name", "b").Error }, 0},
		{"delete", func() error { return gdb.Table("items").Where("id = ?", 1).Delete(&item{}).Error }, 0},
		{"InTx", func() error {
			return tx.InTx(ctx, func(ctx context.Context) error { return insertItem(ctx, tx, 2, "c") })
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := begins()
			if err := tt.op(); err != nil {
				t.Fatal(err)
			}
			if got := begins() - before; got != tt.want {
				t.Fatalf("%d transactions begun, want %d", got, tt.want)
			}
		})
	}
}
