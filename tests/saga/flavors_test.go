package saga

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/sagashop/sagashop/pkg/db/dbtest"
)

// Environment variables naming the real servers of the mariadb flavor.
const (
	envMySQLDSN  = dbtest.EnvMySQLDSN // "SAGASHOP_TEST_MYSQL_DSN"
	envRedisAddr = "SAGASHOP_TEST_REDIS_ADDR"
)

// backend is where one shop keeps its state: a database per service and a
// Redis database.
type backend struct {
	driver    string            // "sqlite" or "mysql"
	sources   map[string]string // service -> DSN or SQLite file
	redisAddr string
	redisDB   int
}

// flavor makes fresh backends.
type flavor struct {
	name string
	// setup returns a fresh backend for one shop and registers its removal
	// with t.Cleanup; it skips or fails the test when the flavor cannot run.
	setup func(t *testing.T) *backend
	// require, when set, skips or fails the whole flavor up front.
	require func(t *testing.T)
}

// flavors are the two flavors every scenario runs in.
var flavors = []flavor{
	{name: "embedded", setup: embeddedBackend},
	{name: "mariadb", setup: mariadbBackend, require: func(t *testing.T) {
		dbtest.RequireEnv(t, envMySQLDSN)
		dbtest.RequireEnv(t, envRedisAddr)
	}},
}

// embeddedBackend gives SQLite files in t.TempDir and an in-process
// Redis-protocol server.
func embeddedBackend(t *testing.T) *backend {
	t.Helper()
	dir := t.TempDir()
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		t.Fatalf("miniredis: %v", err)
	}
	t.Cleanup(mr.Close)
	b := &backend{driver: "sqlite", sources: map[string]string{}, redisAddr: mr.Addr()}
	for _, s := range services {
		b.sources[s] = filepath.Join(dir, s+".db")
	}
	return b
}

// mariadbBackend gives a fresh database per service on the server of
// SAGASHOP_TEST_MYSQL_DSN (dropped at the end) and a Redis database of its
// own on SAGASHOP_TEST_REDIS_ADDR (flushed at the end). Without the
// variables it skips, or fails when CI=true.
func mariadbBackend(t *testing.T) *backend {
	t.Helper()
	dbtest.RequireEnv(t, envMySQLDSN)
	addr := dbtest.RequireEnv(t, envRedisAddr)
	b := &backend{driver: "mysql", sources: map[string]string{}, redisAddr: addr}
	for _, s := range services {
		b.sources[s] = dbtest.NewMySQLDatabase(t)
	}
	b.redisDB = claimRedisDB(t, addr)
	return b
}

// claimKey marks a Redis database as taken by a run of this suite.
const claimKey = "sagashop:saga-test:claim"

// claimRedisDB takes a Redis database (1..15) no other run of this suite
// holds, by SET NX of claimKey in it, deletes whatever else it holds, and
// flushes it when the test ends. Other test packages are expected to use
// database 0.
func claimRedisDB(t *testing.T, addr string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	owner := fmt.Sprintf("pid %d at %s", os.Getpid(), time.Now().Format(time.RFC3339Nano))
	for n := 15; n >= 1; n-- {
		c := redis.NewClient(&redis.Options{Addr: addr, DB: n})
		ok, err := c.SetNX(ctx, claimKey, owner, time.Hour).Result()
		if err != nil {
			c.Close()
			t.Fatalf("redis %s db %d: %v", addr, n, err)
		}
		if !ok {
			c.Close()
			continue
		}
		if err := clearExcept(ctx, c, claimKey); err != nil {
			c.Close()
			t.Fatalf("redis %s db %d: clearing: %v", addr, n, err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := c.FlushDB(ctx).Err(); err != nil {
				t.Errorf("redis %s db %d: flush: %v", addr, n, err)
			}
			c.Close()
		})
		return n
	}
	t.Fatalf("redis %s: databases 1..15 are all claimed by other runs (key %s)", addr, claimKey)
	return 0
}

// clearExcept deletes every key of c's database but keep.
func clearExcept(ctx context.Context, c *redis.Client, keep string) error {
	iter := c.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		if k := iter.Val(); k != keep {
			if err := c.Del(ctx, k).Err(); err != nil {
				return err
			}
		}
	}
	return iter.Err()
}

// scenario is one acceptance scenario of the saga; it starts the shop(s)
// it needs with startShop and ends with shop.verify.
type scenario struct {
	name string
	run  func(t *testing.T, fl flavor)
}

// scenarios run in every flavor, in this order.
var scenarios = []scenario{
	{"happy_path", testHappyPath},
	{"out_of_stock", testOutOfStock},
	{"timeout_release", testTimeoutRelease},
	{"timeout_sweep", testTimeoutSweep},
	{"payment_races_timeout", testPaymentRacesTimeout},
	{"duplicate_delivery", testDuplicateDelivery},
	{"cancel_before_reserve", testCancelBeforeReserve},
	{"crash_before_local_commit", testCrashBeforeLocalCommit},
	{"crash_after_local_commit", testCrashAfterLocalCommit},
	{"last_units", testLastUnits},
	{"bad_input", testBadInput},
}

// TestSaga runs every scenario in every flavor, one shop per scenario, one
// after the other (the machine may have two cores; timing matters).
func TestSaga(t *testing.T) {
	skipShort(t)
	for _, fl := range flavors {
		t.Run(fl.name, func(t *testing.T) {
			if fl.require != nil {
				fl.require(t)
			}
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) { sc.run(t, fl) })
			}
		})
	}
}
