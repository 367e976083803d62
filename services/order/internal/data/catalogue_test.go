package data

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/grpc"

	inventoryv1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
)

// fakeInventory answers BatchGetProducts from a function.
type fakeInventory struct {
	inventoryv1.InventoryClient
	batch func(skus []string) (*inventoryv1.BatchGetProductsReply, error)
}

func (f fakeInventory) BatchGetProducts(_ context.Context, in *inventoryv1.BatchGetProductsRequest, _ ...grpc.CallOption) (*inventoryv1.BatchGetProductsReply, error) {
	return f.batch(in.GetSkus())
}

func TestCatalogue(t *testing.T) {
	apple := &inventoryv1.Product{Sku: "SKU-A", Name: "Apple", Price: 250, Available: 3}
	tests := []struct {
		name  string
		reply *inventoryv1.BatchGetProductsReply
		err   error
		check func(error) bool
	}{
		{"found", &inventoryv1.BatchGetProductsReply{Products: []*inventoryv1.Product{apple}}, nil,
			func(err error) bool { return err == nil }},
		{"unknown sku", nil, inventoryv1.ErrorUnknownSku("unknown sku %q", "SKU-A"), v1.IsUnknownSku},
		{"missing from the reply", &inventoryv1.BatchGetProductsReply{}, nil, v1.IsUnknownSku},
		{"inventory down", nil, errors.New("connection refused"), v1.IsUnavailable},
		{"inventory failing", nil, inventoryv1.ErrorInternal("boom"), v1.IsUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCatalogue(fakeInventory{batch: func([]string) (*inventoryv1.BatchGetProductsReply, error) {
				return tt.reply, tt.err
			}}, time.Minute)
			got, err := c.Products(context.Background(), []string{"SKU-A"})
			if !tt.check(err) {
				t.Fatalf("err = %v", err)
			}
			if err == nil && (got["SKU-A"].Name != "Apple" || got["SKU-A"].Price != 250) {
				t.Fatalf("products = %+v", got)
			}
		})
	}
}
