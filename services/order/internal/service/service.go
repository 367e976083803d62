// Package service is the order service's API layer: it validates requests,
// converts between the proto messages and the biz types, and decodes the
// saga's events for the use cases.
package service

import (
	"context"
	"errors"
	"time"

	kerrors "github.com/go-kratos/kratos/v2/errors"
	"github.com/go-kratos/kratos/v2/log"

	"github.com/sagashop/sagashop/pkg/idem"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// OrderService implements v1.OrderServer (gRPC) and v1.OrderHTTPServer.
type OrderService struct {
	v1.UnimplementedOrderServer

	uc     *biz.OrderUsecase
	waiter *biz.Waiter
	log    *log.Helper
}

// NewOrderService returns the API over uc, with the blocking reads of
// GetOrder served by waiter; logger may be nil.
func NewOrderService(uc *biz.OrderUsecase, waiter *biz.Waiter, logger log.Logger) *OrderService {
	return &OrderService{uc: uc, waiter: waiter, log: helper(logger)}
}

// CreateOrder implements v1.OrderServer.
func (s *OrderService) CreateOrder(ctx context.Context, req *v1.CreateOrderRequest) (*v1.OrderInfo, error) {
	lines, err := validateCreate(req)
	if err != nil {
		return nil, err
	}
	o, err := s.uc.CreateOrder(ctx, req.GetUserId(), lines)
	if err != nil {
		return nil, s.apiError(ctx, "create order", err)
	}
	return toProto(o), nil
}

// GetOrder implements v1.OrderServer. With min_version and wait_ms it
// blocks until the order reaches that version or the wait ends.
func (s *OrderService) GetOrder(ctx context.Context, req *v1.GetOrderRequest) (*v1.OrderInfo, error) {
	if err := validateGet(req); err != nil {
		return nil, err
	}
	var (
		o   *biz.Order
		err error
	)
	if req.GetMinVersion() > 0 && req.GetWaitMs() > 0 {
		wait := time.Duration(req.GetWaitMs()) * time.Millisecond
		o, err = s.waiter.WaitOrder(ctx, req.GetOrderSn(), req.GetMinVersion(), wait)
	} else {
		o, err = s.uc.GetOrder(ctx, req.GetOrderSn())
	}
	if err != nil {
		return nil, s.apiError(ctx, "get order", err)
	}
	return toProto(o), nil
}

// ListOrders implements v1.OrderServer.
func (s *OrderService) ListOrders(ctx context.Context, req *v1.ListOrdersRequest) (*v1.ListOrdersReply, error) {
	if err := validateList(req); err != nil {
		return nil, err
	}
	orders, next, err := s.uc.ListOrders(ctx, biz.Status(req.GetStatus()), int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, s.apiError(ctx, "list orders", err)
	}
	reply := &v1.ListOrdersReply{Orders: make([]*v1.OrderInfo, len(orders)), NextPageToken: next}
	for i, o := range orders {
		reply.Orders[i] = toProto(o)
	}
	return reply, nil
}

// apiError passes kratos errors through, turns exhausted optimistic-lock
// retries into CONFLICT and anything else into INTERNAL (logged here, as
// the client sees no detail).
func (s *OrderService) apiError(ctx context.Context, op string, err error) error {
	var ke *kerrors.Error
	switch {
	case errors.As(err, &ke):
		return err
	case errors.Is(err, idem.ErrConflict):
		return v1.ErrorConflict("%s: too much contention, try again", op)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return v1.ErrorUnavailable("%s: %v", op, err)
	}
	s.log.WithContext(ctx).Errorf("%s: %v", op, err)
	return v1.ErrorInternal("%s failed", op)
}
