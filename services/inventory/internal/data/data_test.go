package data

import (
	"context"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db/dbtest"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

// seed is the catalogue of migration 0002: sku -> initial stock.
var seed = map[string]int32{
	"SKU-BOTTLE": 100, "SKU-CAP": 100, "SKU-HOODIE": 100, "SKU-LIMITED": 10, "SKU-MUG": 100,
	"SKU-NOTEBOOK": 100, "SKU-SOCKS": 100, "SKU-STICKERS": 100, "SKU-TEE": 100, "SKU-TOTE": 100,
}

// env is one database (and a miniredis) with every repository wired the
// way app.New wires them.
type env struct {
	gdb   *gorm.DB
	d     *Data
	cache *StockCache
	mr    *miniredis.Miniredis
	uc    *biz.Usecase
}

func newEnv(t *testing.T, gdb *gorm.DB) *env {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	d := NewData(gdb, rdb, nil)
	cache := NewStockCache(rdb, 0, nil)
	uc, err := biz.NewUsecase(biz.Options{
		Tx: d.Tx(), Products: NewProductRepo(d), Stocks: NewStockRepo(d, cache), Cache: cache,
		Reservations: NewReservationRepo(d), Dedup: NewDeduper(d, ConsumerGroup), Events: NewPublisher(d, nil),
		RetryAttempts: 50,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &env{gdb: gdb, d: d, cache: cache, mr: mr, uc: uc}
}

// each runs fn on SQLite and (with SAGASHOP_TEST_MYSQL_DSN) MariaDB/MySQL.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	dbtest.Each(t, Migrations(), func(t *testing.T, gdb *gorm.DB) { fn(t, newEnv(t, gdb)) })
}

// checkInvariants verifies, from the database, total = available +
// reserved + sold per SKU and that reserved/sold are the sums of the
// RESERVED/SOLD reservation lines.
func (e *env) checkInvariants(t *testing.T) {
	t.Helper()
	type sum struct {
		SKU    string
		Status string
		Q      int64
	}
	var sums []sum
	err := e.gdb.Raw(`SELECT l.sku AS sku, r.status AS status, SUM(l.quantity) AS q FROM reservation_lines l
		JOIN reservations r ON r.order_sn = l.order_sn GROUP BY l.sku, r.status`).Scan(&sums).Error
	if err != nil {
		t.Fatal(err)
	}
	reserved, sold := map[string]int64{}, map[string]int64{}
	for _, s := range sums {
		switch biz.ReservationStatus(s.Status) {
		case biz.StatusReserved:
			reserved[s.SKU] += s.Q
		case biz.StatusSold:
			sold[s.SKU] += s.Q
		}
	}
	stocks, err := e.uc.ListStocks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stocks {
		if err := s.Check(); err != nil {
			t.Error(err)
		}
		if int64(s.Reserved) != reserved[s.SKU] || int64(s.Sold) != sold[s.SKU] {
			t.Errorf("%s: reserved %d sold %d, lines say %d and %d", s.SKU, s.Reserved, s.Sold, reserved[s.SKU], sold[s.SKU])
		}
	}
}

func TestSeed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ps, err := e.uc.ListProducts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != len(seed) {
			t.Fatalf("%d products, want %d", len(ps), len(seed))
		}
		for _, p := range ps {
			if p.Name == "" || p.Price <= 0 || p.Available != seed[p.SKU] {
				t.Errorf("product %+v", p)
			}
		}
		stocks, err := e.uc.ListStocks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stocks {
			if s.Total != seed[s.SKU] || s.Available != s.Total || s.Version != 1 {
				t.Errorf("stock %+v", s)
			}
		}
		e.checkInvariants(t)
	})
}
