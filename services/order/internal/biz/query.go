package biz

import (
	"context"
	"strconv"

	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
)

// Page sizes of ListOrders.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// GetOrder returns the order sn or an ORDER_NOT_FOUND error.
func (uc *OrderUsecase) GetOrder(ctx context.Context, sn string) (*Order, error) {
	return uc.o.Orders.Get(ctx, sn)
}

// ListOrders returns a page of orders with status (any when "") in
// creation order: up to pageSize (DefaultPageSize when <= 0, at most
// MaxPageSize) after pageToken ("" for the first page), and the token of
// the next page, "" after the last. A token that ListOrders did not make is
// INVALID_ARGUMENT.
func (uc *OrderUsecase) ListOrders(ctx context.Context, status Status, pageSize int, pageToken string) ([]*Order, string, error) {
	var afterID int64
	if pageToken != "" {
		id, err := strconv.ParseInt(pageToken, 10, 64)
		if err != nil || id < 0 {
			return nil, "", v1.ErrorInvalidArgument("malformed page_token %q", pageToken)
		}
		afterID = id
	}
	if pageSize <= 0 {
		pageSize = DefaultPageSize
	}
	pageSize = min(pageSize, MaxPageSize)
	orders, err := uc.o.Orders.List(ctx, ListQuery{Status: status, AfterID: afterID, Limit: pageSize + 1})
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(orders) > pageSize {
		orders = orders[:pageSize]
		next = strconv.FormatInt(orders[pageSize-1].ID, 10)
	}
	return orders, next, nil
}
