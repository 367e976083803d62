// Package service adapts the inventory's use cases to its transports: the
// inventory.v1 gRPC/HTTP API (proto <-> biz and input validation) and the
// handlers of the order events it consumes.
package service

import (
	"context"
	"encoding/base64"

	"github.com/sagashop/sagashop/pkg/event"
	v1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

// Paging limits of list endpoints.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// InventoryService implements inventory.v1.Inventory over gRPC and HTTP.
type InventoryService struct {
	v1.UnimplementedInventoryServer
	uc *biz.Usecase
}

// NewInventoryService returns the API over uc.
func NewInventoryService(uc *biz.Usecase) *InventoryService { return &InventoryService{uc: uc} }

// ListProducts implements v1.InventoryServer.
func (s *InventoryService) ListProducts(ctx context.Context, _ *v1.ListProductsRequest) (*v1.ListProductsReply, error) {
	ps, err := s.uc.ListProducts(ctx)
	if err != nil {
		return nil, apiError(err)
	}
	return &v1.ListProductsReply{Products: toProducts(ps)}, nil
}

// BatchGetProducts implements v1.InventoryServer.
func (s *InventoryService) BatchGetProducts(ctx context.Context, req *v1.BatchGetProductsRequest) (*v1.BatchGetProductsReply, error) {
	ps, err := s.uc.BatchGetProducts(ctx, req.GetSkus())
	if err != nil {
		return nil, apiError(err)
	}
	return &v1.BatchGetProductsReply{Products: toProducts(ps)}, nil
}

// GetStock implements v1.InventoryServer.
func (s *InventoryService) GetStock(ctx context.Context, req *v1.GetStockRequest) (*v1.Stock, error) {
	if req.GetSku() == "" {
		return nil, v1.ErrorInvalidArgument("sku is required")
	}
	st, err := s.uc.GetStock(ctx, req.GetSku())
	if err != nil {
		return nil, apiError(err)
	}
	return toStock(st), nil
}

// ListStocks implements v1.InventoryServer.
func (s *InventoryService) ListStocks(ctx context.Context, _ *v1.ListStocksRequest) (*v1.ListStocksReply, error) {
	sts, err := s.uc.ListStocks(ctx)
	if err != nil {
		return nil, apiError(err)
	}
	out := make([]*v1.Stock, len(sts))
	for i, st := range sts {
		out[i] = toStock(st)
	}
	return &v1.ListStocksReply{Stocks: out}, nil
}

// Restock implements v1.InventoryServer.
func (s *InventoryService) Restock(ctx context.Context, req *v1.RestockRequest) (*v1.Stock, error) {
	if req.GetSku() == "" {
		return nil, v1.ErrorInvalidArgument("sku is required")
	}
	st, err := s.uc.Restock(ctx, req.GetSku(), req.GetQuantity())
	if err != nil {
		return nil, apiError(err)
	}
	return toStock(st), nil
}

// ListReservations implements v1.InventoryServer.
func (s *InventoryService) ListReservations(ctx context.Context, req *v1.ListReservationsRequest) (*v1.ListReservationsReply, error) {
	size := req.GetPageSize()
	switch {
	case size < 0:
		return nil, v1.ErrorInvalidArgument("page_size must not be negative, got %d", size)
	case size == 0:
		size = DefaultPageSize
	case size > MaxPageSize:
		size = MaxPageSize
	}
	if sn := req.GetOrderSn(); sn != "" && !event.ValidOrderSN(sn) {
		return nil, v1.ErrorInvalidArgument("order_sn %q is not 1 to %d printable ASCII characters without spaces or '/'", sn, event.MaxOrderSNLen)
	}
	after, err := decodePageToken(req.GetPageToken())
	if err != nil {
		return nil, apiError(err)
	}
	rs, last, err := s.uc.ListReservations(ctx, biz.ReservationFilter{OrderSN: req.GetOrderSn(), After: after, Limit: int(size)})
	if err != nil {
		return nil, apiError(err)
	}
	out := make([]*v1.Reservation, len(rs))
	for i, r := range rs {
		out[i] = toReservation(r)
	}
	return &v1.ListReservationsReply{Reservations: out, NextPageToken: encodePageToken(last)}, nil
}

// encodePageToken makes the opaque token that continues after orderSN.
func encodePageToken(orderSN string) string {
	if orderSN == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(orderSN))
}

func decodePageToken(tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || !event.ValidOrderSN(string(b)) {
		return "", v1.ErrorInvalidArgument("page_token %q is not a token this service issued", tok)
	}
	return string(b), nil
}
