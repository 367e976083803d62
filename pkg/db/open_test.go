package db_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
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
