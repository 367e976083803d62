package db_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
)

// captureLogger is a kratos logger keeping every entry as "LEVEL msg".
type captureLogger struct {
	mu      sync.Mutex
	entries []string
}

func (c *captureLogger) Log(level log.Level, kv ...any) error {
	msg := ""
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == "msg" {
			msg = fmt.Sprint(kv[i+1])
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = append(c.entries, level.String()+" "+msg)
	return nil
}

func (c *captureLogger) take() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := strings.Join(c.entries, "; ")
	c.entries = nil
	return s
}

func TestGormLogger(t *testing.T) {
	tests := []struct {
		name string
		slow time.Duration
		run  func(gdb *gorm.DB) error
		want string
	}{
		{name: "fast query silent", slow: time.Hour, run: func(gdb *gorm.DB) error { return gdb.Exec("SELECT 1").Error }, want: ""},
		{name: "slow query warns", slow: time.Nanosecond, run: func(gdb *gorm.DB) error { return gdb.Exec("SELECT 1").Error }, want: "WARN slow query"},
		{name: "error logged", slow: time.Hour, run: func(gdb *gorm.DB) error { return gdb.Exec("SELECT * FROM nope").Error }, want: "ERROR query failed"},
		{name: "record not found silent", slow: time.Hour, run: func(gdb *gorm.DB) error {
			var row struct{ ID int64 }
			err := gdb.Table("items").Take(&row).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil
			}
			return fmt.Errorf("want ErrRecordNotFound, got %w", err)
		}, want: ""},
		{name: "duplicate key not an error", slow: time.Hour, run: func(gdb *gorm.DB) error {
			_ = gdb.Exec("INSERT INTO items (id, name) VALUES (7, 'a')").Error
			if err := gdb.Exec("INSERT INTO items (id, name) VALUES (7, 'a')").Error; !db.IsDuplicateKey(err) {
				return fmt.Errorf("want duplicate, got %w", err)
			}
			return nil
		}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &captureLogger{}
			gdb, err := db.Open(db.Options{Driver: db.DriverSQLite, DSN: filepath.Join(t.TempDir(), "l.db"), SlowThreshold: tt.slow, Logger: c})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close(gdb)
			if err := gdb.Exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)").Error; err != nil {
				t.Fatal(err)
			}
			c.take()
			if err := tt.run(gdb); err != nil && !strings.Contains(tt.want, "ERROR") {
				t.Fatal(err)
			}
			if got := c.take(); got != tt.want {
				t.Fatalf("logged %q, want %q", got, tt.want)
			}
		})
	}
}
