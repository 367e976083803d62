package data

import (
	"context"

	kerrors "github.com/go-kratos/kratos/v2/errors"

	inventoryv1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// catalogue is the biz.Catalogue over the inventory service's gRPC API.
type catalogue struct {
	client inventoryv1.InventoryClient
}

// NewCatalogue returns the catalogue that asks inventory's BatchGetProducts.
func NewCatalogue(client inventoryv1.InventoryClient) biz.Catalogue {
	return &catalogue{client: client}
}

// Products implements biz.Catalogue: inventory's UNKNOWN_SKU becomes the
// order service's UNKNOWN_SKU (400); any other failure is UNAVAILABLE (503).
func (c *catalogue) Products(ctx context.Context, skus []string) (map[string]biz.Product, error) {
	reply, err := c.client.BatchGetProducts(ctx, &inventoryv1.BatchGetProductsRequest{Skus: skus})
	if err != nil {
		se := kerrors.FromError(err)
		if se.Reason == inventoryv1.ErrorReason_UNKNOWN_SKU.String() {
			return nil, v1.ErrorUnknownSku("%s", se.Message).WithMetadata(se.Metadata)
		}
		return nil, v1.ErrorUnavailable("inventory: %s", se.Message).WithCause(err)
	}
	out := make(map[string]biz.Product, len(reply.GetProducts()))
	for _, p := range reply.GetProducts() {
		out[p.GetSku()] = biz.Product{SKU: p.GetSku(), Name: p.GetName(), Price: p.GetPrice(), Available: p.GetAvailable()}
	}
	for _, sku := range skus {
		if _, ok := out[sku]; !ok {
			return nil, v1.ErrorUnknownSku("unknown sku %q", sku).WithMetadata(map[string]string{"sku": sku})
		}
	}
	return out, nil
}
