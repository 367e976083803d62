package db_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	mysqldrv "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
	"github.com/sagashop/sagashop/pkg/idem"
)

func TestIsDuplicateKey(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{name: "nil", err: nil, want: false},
		{name: "mysql 1062", err: &mysqldrv.MySQLError{Number: 1062}, want: true},
		{name: "wrapped mysql 1062", err: fmt.Errorf("x: %w", &mysqldrv.MySQLError{Number: 1062}), want: true},
		{name: "mysql deadlock", err: &mysqldrv.MySQLError{Number: 1213}, want: false},
		{name: "gorm translated", err: gorm.ErrDuplicatedKey, want: true},
		{name: "other", err: errors.New("duplicate"), want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := db.IsDuplicateKey(tt.err); got != tt.want {
				t.Fatalf("IsDuplicateKey(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
	t.Run("real", func(t *testing.T) {
		dbtest.Each(t, appFS, func(t *testing.T, gdb *gorm.DB) {
			mustExec(t, gdb, "INSERT INTO items (id, name) VALUES (1, 'a')")
			err := gdb.Exec("INSERT INTO items (id, name) VALUES (1, 'a')").Error
			if !db.IsDuplicateKey(err) {
				t.Fatalf("IsDuplicateKey(%v) = false", err)
			}
		})
	})
}

func TestInTxWrapsLockErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{name: "deadlock 1213", err: &mysqldrv.MySQLError{Number: 1213}, want: true},
		{name: "lock wait 1205", err: &mysqldrv.MySQLError{Number: 1205}, want: true},
		{name: "syntax 1064", err: &mysqldrv.MySQLError{Number: 1064}, want: false},
		{name: "plain", err: errBoom, want: false},
	}
	tx := db.NewTx(dbtest.SQLite(t, nil))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tx.InTx(context.Background(), func(context.Context) error { return tt.err })
			if got := errors.Is(err, idem.ErrConflict); got != tt.want || !errors.Is(err, tt.err) {
				t.Fatalf("err = %v: ErrConflict %v, want %v (and the cause kept)", err, got, tt.want)
			}
		})
	}
}

// TestInTxSQLiteBusy has a second pool, with a short busy timeout, try to
// write while the first holds the write lock.
func TestInTxSQLiteBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "busy.db")
	a, err := db.Open(db.Options{Driver: db.DriverSQLite, DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(a)
	if err := db.Migrate(context.Background(), a, appFS); err != nil {
		t.Fatal(err)
	}
	b, err := gorm.Open(sqlite.Open(path+"?_pragma=busy_timeout(20)&_txlock=immediate"),
		&gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(b)
	txA, txB := db.NewTx(a), db.NewTx(b)
	err = txA.InTx(context.Background(), func(ctx context.Context) error {
		if err := insertItem(ctx, txA, 1, "a"); err != nil {
			return err
		}
		errB := txB.InTx(ctx, func(ctx context.Context) error { return insertItem(ctx, txB, 2, "b") })
		if !errors.Is(errB, idem.ErrConflict) {
			return fmt.Errorf("second writer: err = %v, want ErrConflict", errB)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestInTxMySQLDeadlock makes two transactions lock two rows in opposite
// order: InnoDB kills one (1213), which InTx reports as ErrConflict.
func TestInTxMySQLDeadlock(t *testing.T) {
	gdb := dbtest.MySQL(t, appFS)
	mustExec(t, gdb, "INSERT INTO items (id, name) VALUES (1, 'a'), (2, 'b')")
	tx := db.NewTx(gdb)
	locked1, locked2 := make(chan struct{}), make(chan struct{})
	touch := func(ctx context.Context, id int) error {
		return tx.DB(ctx).Exec("UPDATE items SET name = CONCAT(name, 'x') WHERE id = ?", id).Error
	}
	run := func(first, second int, mine, theirs chan struct{}, pause time.Duration) <-chan error {
		done := make(chan error, 1)
		go func() {
			done <- tx.InTx(context.Background(), func(ctx context.Context) error {
				if err := touch(ctx, first); err != nil {
					return err
				}
				close(mine)
				<-theirs
				time.Sleep(pause) // let the other side block first
				return touch(ctx, second)
			})
		}()
		return done
	}
	e1 := run(1, 2, locked1, locked2, 0)
	e2 := run(2, 1, locked2, locked1, 200*time.Millisecond)
	err1, err2 := <-e1, <-e2
	conflicts := 0
	for _, err := range []error{err1, err2} {
		switch {
		case err == nil:
		case errors.Is(err, idem.ErrConflict):
			conflicts++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if conflicts != 1 {
		t.Fatalf("errors = %v, %v; want exactly one ErrConflict", err1, err2)
	}
}
