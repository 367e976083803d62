package load

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// catalog is the shared list of in-stock SKUs, refreshed lazily by one
// buyer at a time once it is older than every; the others keep using the
// previous list meanwhile.
type catalog struct {
	c     *shopapi.Client
	every time.Duration

	mu   sync.Mutex
	skus []string // replaced, never modified in place
	at   time.Time
	busy bool // a refresh is running
}

// refresh reads the catalogue now and returns the in-stock SKUs. On error
// the previous list stays.
func (k *catalog) refresh(ctx context.Context) ([]string, error) {
	ps, err := k.c.ListProducts(ctx)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.at = time.Now()
	if err != nil {
		return k.skus, err
	}
	var skus []string
	for _, p := range ps {
		if p.Available > 0 {
			skus = append(skus, p.SKU)
		}
	}
	k.skus = skus
	return skus, nil
}

// inStock returns the in-stock SKUs, refreshing them when stale.
func (k *catalog) inStock(ctx context.Context) []string {
	k.mu.Lock()
	if k.busy || time.Since(k.at) < k.every {
		s := k.skus
		k.mu.Unlock()
		return s
	}
	k.busy = true
	k.mu.Unlock()
	s, _ := k.refresh(ctx) // a failed refresh keeps the old list; the next caller retries
	k.mu.Lock()
	k.busy = false
	k.mu.Unlock()
	return s
}

// restock adds n units to every SKU of the catalogue, out of stock or not,
// and returns how many SKUs it restocked. It stops at the first failure.
func restock(ctx context.Context, c *shopapi.Client, n int64) (int, error) {
	ps, err := c.ListProducts(ctx)
	if err != nil {
		return 0, fmt.Errorf("load: restock: reading the catalogue: %w", err)
	}
	for i, p := range ps {
		if _, err := c.Restock(ctx, p.SKU, n); err != nil {
			return i, fmt.Errorf("load: restock %s by %d: %w", p.SKU, n, err)
		}
	}
	return len(ps), nil
}

// pick chooses 1-3 distinct SKUs of skus with 1-2 units each.
func pick(rng *rand.Rand, skus []string) []shopapi.Line {
	n := min(1+rng.IntN(3), len(skus))
	lines := make([]shopapi.Line, 0, n)
	for _, i := range rng.Perm(len(skus))[:n] {
		lines = append(lines, shopapi.Line{SKU: skus[i], Quantity: int64(1 + rng.IntN(2))})
	}
	return lines
}
