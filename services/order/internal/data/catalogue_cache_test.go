package data

import (
	"context"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"

	inventoryv1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
)

// countingInventory answers BatchGetProducts from products and records the
// SKUs of every call.
type countingInventory struct {
	inventoryv1.InventoryClient
	mu       sync.Mutex
	products map[string]int64 // sku -> price
	calls    [][]string
}

func (c *countingInventory) BatchGetProducts(_ context.Context, in *inventoryv1.BatchGetProductsRequest, _ ...grpc.CallOption) (*inventoryv1.BatchGetProductsReply, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, in.GetSkus())
	var out []*inventoryv1.Product
	for _, sku := range in.GetSkus() {
		if price, ok := c.products[sku]; ok {
			out = append(out, &inventoryv1.Product{Sku: sku, Name: "name " + sku, Price: price})
		}
	}
	return &inventoryv1.BatchGetProductsReply{Products: out}, nil
}

func TestCatalogueCachesProductsForTTL(t *testing.T) {
	inv := &countingInventory{products: map[string]int64{"A": 100, "B": 200}}
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	c := NewCatalogue(inv, 30*time.Second).(*catalogue)
	c.now = func() time.Time { return now }
	ctx := context.Background()

	if _, err := c.Products(ctx, []string{"A"}); err != nil {
		t.Fatal(err)
	}
	got, err := c.Products(ctx, []string{"A", "B"}) // A cached, B fetched
	if err != nil || got["A"].Price != 100 || got["B"].Price != 200 {
		t.Fatalf("Products = %+v, %v", got, err)
	}
	if len(inv.calls) != 2 || len(inv.calls[1]) != 1 || inv.calls[1][0] != "B" {
		t.Fatalf("calls = %q, want [A] then [B]", inv.calls)
	}
	if _, err := c.Products(ctx, []string{"B", "A"}); err != nil || len(inv.calls) != 2 {
		t.Fatalf("cached read called inventory: %q, %v", inv.calls, err)
	}

	inv.products["A"] = 150 // a new price reaches new orders once the entry expires
	now = now.Add(31 * time.Second)
	got, err = c.Products(ctx, []string{"A"})
	if err != nil || got["A"].Price != 150 || len(inv.calls) != 3 {
		t.Fatalf("after ttl: %+v, %v, calls %q", got, err, inv.calls)
	}
}

func TestCatalogueUnknownSKUIsNotCached(t *testing.T) {
	inv := &countingInventory{products: map[string]int64{"A": 100}}
	c := NewCatalogue(inv, time.Minute)
	ctx := context.Background()
	for range 2 {
		if _, err := c.Products(ctx, []string{"A", "NOPE"}); !v1.IsUnknownSku(err) {
			t.Fatalf("err = %v, want UNKNOWN_SKU", err)
		}
	}
	if len(inv.calls) != 2 || len(inv.calls[1]) != 1 || inv.calls[1][0] != "NOPE" {
		t.Fatalf("calls = %q: want the unknown SKU asked again, alone", inv.calls)
	}
	inv.products["NOPE"] = 5 // added to the catalogue: found at once
	if _, err := c.Products(ctx, []string{"NOPE"}); err != nil {
		t.Fatal(err)
	}
}

func TestCatalogueWithoutCacheAsksEveryTime(t *testing.T) {
	inv := &countingInventory{products: map[string]int64{"A": 100}}
	c := NewCatalogue(inv, 0)
	for range 3 {
		if _, err := c.Products(context.Background(), []string{"A"}); err != nil {
			t.Fatal(err)
		}
	}
	if len(inv.calls) != 3 {
		t.Fatalf("%d calls, want 3", len(inv.calls))
	}
}
