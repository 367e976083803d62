package data

import (
	"context"
	"sync"
	"time"

	kerrors "github.com/go-kratos/kratos/v2/errors"

	inventoryv1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// catalogue is the biz.Catalogue over the inventory service's gRPC API,
// with an in-process cache of the products it returned. Names and prices
// are what an order needs, and they change rarely: reusing them for ttl
// saves a call to inventory (and its database read) on nearly every order.
// Available is not cached usefully (inventory decides stock when it
// reserves), so a cached product keeps the figure of its fetch.
type catalogue struct {
	client inventoryv1.InventoryClient
	ttl    time.Duration // 0: no cache
	now    func() time.Time

	mu     sync.Mutex
	cached map[string]cachedProduct
}

type cachedProduct struct {
	p       biz.Product
	expires time.Time
}

// NewCatalogue returns the catalogue that asks inventory's BatchGetProducts
// for the SKUs it has not cached within ttl (0: for every SKU every time).
func NewCatalogue(client inventoryv1.InventoryClient, ttl time.Duration) biz.Catalogue {
	return &catalogue{client: client, ttl: max(ttl, 0), now: time.Now, cached: map[string]cachedProduct{}}
}

// Products implements biz.Catalogue: inventory's UNKNOWN_SKU becomes the
// order service's UNKNOWN_SKU (400); any other failure is UNAVAILABLE (503).
// Unknown SKUs are never cached.
func (c *catalogue) Products(ctx context.Context, skus []string) (map[string]biz.Product, error) {
	out := make(map[string]biz.Product, len(skus))
	missing := c.fromCache(skus, out)
	if len(missing) == 0 {
		return out, nil
	}
	reply, err := c.client.BatchGetProducts(ctx, &inventoryv1.BatchGetProductsRequest{Skus: missing})
	if err != nil {
		se := kerrors.FromError(err)
		if se.Reason == inventoryv1.ErrorReason_UNKNOWN_SKU.String() {
			return nil, v1.ErrorUnknownSku("%s", se.Message).WithMetadata(se.Metadata)
		}
		return nil, v1.ErrorUnavailable("inventory: %s", se.Message).WithCause(err)
	}
	fetched := make([]biz.Product, 0, len(reply.GetProducts()))
	for _, p := range reply.GetProducts() {
		bp := biz.Product{SKU: p.GetSku(), Name: p.GetName(), Price: p.GetPrice(), Available: p.GetAvailable()}
		out[bp.SKU] = bp
		fetched = append(fetched, bp)
	}
	c.store(fetched)
	for _, sku := range skus {
		if _, ok := out[sku]; !ok {
			return nil, v1.ErrorUnknownSku("unknown sku %q", sku).WithMetadata(map[string]string{"sku": sku})
		}
	}
	return out, nil
}

// fromCache copies the fresh cached products of skus into out and returns
// the SKUs it did not find.
func (c *catalogue) fromCache(skus []string, out map[string]biz.Product) (missing []string) {
	if c.ttl == 0 {
		return skus
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, sku := range skus {
		if e, ok := c.cached[sku]; ok && now.Before(e.expires) {
			out[sku] = e.p
			continue
		}
		missing = append(missing, sku)
	}
	return missing
}

// store caches ps until now+ttl.
func (c *catalogue) store(ps []biz.Product) {
	if c.ttl == 0 || len(ps) == 0 {
		return
	}
	expires := c.now().Add(c.ttl)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range ps {
		c.cached[p.SKU] = cachedProduct{p: p, expires: expires}
	}
}
