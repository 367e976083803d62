package data

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"github.com/redis/go-redis/v9"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

// Defaults of the stock cache.
const (
	DefaultStockCacheTTL = 60 * time.Second
	cacheOpTimeout       = 250 * time.Millisecond // a Redis call that takes longer counts as an outage
	cacheGenTTL          = 24 * time.Hour
)

// fillScript stores ARGV[2] in KEYS[1] for ARGV[3] ms unless the SKU's
// generation (KEYS[2]) moved since the reader saw ARGV[1]: a write that
// committed after the reader's database read must not be shadowed by the
// older value the reader holds.
var fillScript = redis.NewScript(`
local gen = redis.call('GET', KEYS[2]) or '0'
if gen ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`)

// cachedStock is the JSON of a stock:<sku> key.
type cachedStock struct {
	SKU       string `json:"sku"`
	Total     int32  `json:"total"`
	Available int32  `json:"available"`
	Reserved  int32  `json:"reserved"`
	Sold      int32  `json:"sold"`
	Version   int64  `json:"version"`
}

// StockCache is the Redis read-through cache of stock rows: key
// "stock:<sku>" holds the row as JSON with a TTL, and "stockgen:<sku>"
// counts the committed changes of the SKU. A committed change increments
// the counter and deletes the row key; a reader fills the row key only if
// the counter did not move since before its database read. It implements
// biz.StockCache and is safe for concurrent use.
type StockCache struct {
	rdb redis.UniversalClient
	ttl time.Duration
	log *log.Helper
}

// NewStockCache returns a cache over rdb; ttl <= 0 means
// DefaultStockCacheTTL.
func NewStockCache(rdb redis.UniversalClient, ttl time.Duration, logger log.Logger) *StockCache {
	if ttl <= 0 {
		ttl = DefaultStockCacheTTL
	}
	if logger == nil {
		logger = log.NewFilter(log.DefaultLogger, log.FilterLevel(log.LevelFatal))
	}
	return &StockCache{rdb: rdb, ttl: ttl, log: log.NewHelper(log.With(logger, "module", "inventory/data/stock-cache"))}
}

func stockKey(sku string) string { return "stock:" + sku }
func genKey(sku string) string   { return "stockgen:" + sku }

// Get implements biz.StockCache.
func (c *StockCache) Get(ctx context.Context, sku string, load func(ctx context.Context, sku string) (biz.Stock, error)) (biz.Stock, error) {
	rctx, cancel := context.WithTimeout(ctx, cacheOpTimeout)
	vals, err := c.rdb.MGet(rctx, stockKey(sku), genKey(sku)).Result()
	cancel()
	if err != nil {
		c.log.WithContext(ctx).Warnf("stock cache: get %s: %v (reading the database)", sku, err)
		return load(ctx, sku)
	}
	if raw, ok := vals[0].(string); ok {
		var cs cachedStock
		if err := json.Unmarshal([]byte(raw), &cs); err == nil && cs.SKU == sku {
			return biz.Stock(cs), nil
		}
		c.log.WithContext(ctx).Warnf("stock cache: %s holds a bad value; reloading", stockKey(sku))
	}
	gen, ok := vals[1].(string)
	if !ok {
		gen = "0"
	}
	s, err := load(ctx, sku)
	if err != nil {
		return biz.Stock{}, err
	}
	if err := c.fill(ctx, gen, s); err != nil {
		c.log.WithContext(ctx).Warnf("stock cache: fill %s: %v", sku, err)
	}
	return s, nil
}

func (c *StockCache) fill(ctx context.Context, gen string, s biz.Stock) error {
	b, err := json.Marshal(cachedStock(s))
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	rctx, cancel := context.WithTimeout(ctx, cacheOpTimeout)
	defer cancel()
	return fillScript.Run(rctx, c.rdb, []string{stockKey(s.SKU), genKey(s.SKU)}, gen, b, c.ttl.Milliseconds()).Err()
}

// InvalidateAfterCommit deletes sku's cache entry once the transaction in
// ctx commits (at once without one). A failure is logged: the entry then
// expires with its TTL.
func (c *StockCache) InvalidateAfterCommit(ctx context.Context, sku string) {
	db.AfterCommit(ctx, func() { c.Invalidate(context.WithoutCancel(ctx), sku) })
}

// Invalidate bumps sku's generation and deletes its cache entry.
func (c *StockCache) Invalidate(ctx context.Context, sku string) {
	rctx, cancel := context.WithTimeout(ctx, 4*cacheOpTimeout)
	defer cancel()
	_, err := c.rdb.TxPipelined(rctx, func(p redis.Pipeliner) error {
		p.Incr(rctx, genKey(sku))
		p.Expire(rctx, genKey(sku), cacheGenTTL)
		p.Del(rctx, stockKey(sku))
		return nil
	})
	if err != nil {
		c.log.WithContext(ctx).Warnf("stock cache: invalidate %s: %v (stale for up to %s)", sku, err, c.ttl)
	}
}
