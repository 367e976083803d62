package data

import (
	"context"

	"github.com/go-kratos/kratos/v2/errors"
	"google.golang.org/grpc"

	orderv1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	v1 "github.com/sagashop/sagashop/services/payment/api/payment/v1"
	"github.com/sagashop/sagashop/services/payment/internal/biz"
)

// orderClient is the biz.Orders of the order service's gRPC API.
type orderClient struct {
	client orderv1.OrderClient
}

// NewOrders returns the order service client over conn (kit.DialGRPC).
func NewOrders(conn grpc.ClientConnInterface) biz.Orders {
	return &orderClient{client: orderv1.NewOrderClient(conn)}
}

// GetOrder implements biz.Orders. The order service's ORDER_NOT_FOUND and
// INVALID_ARGUMENT become ours; anything else (connection refused, timeout,
// an internal error there) is UNAVAILABLE.
func (c *orderClient) GetOrder(ctx context.Context, orderSN string) (*biz.Order, error) {
	reply, err := c.client.GetOrder(ctx, &orderv1.GetOrderRequest{OrderSn: orderSN})
	switch {
	case err == nil:
	case orderv1.IsOrderNotFound(err):
		return nil, v1.ErrorOrderNotFound("order %s not found", orderSN).WithCause(err)
	case orderv1.IsInvalidArgument(err):
		return nil, v1.ErrorInvalidArgument("order %s: %s", orderSN, errors.FromError(err).Message).WithCause(err)
	default:
		return nil, v1.ErrorUnavailable("order service: %s", errors.FromError(err).Message).WithCause(err)
	}
	return &biz.Order{
		OrderSN:      reply.GetOrderSn(),
		UserID:       reply.GetUserId(),
		Status:       reply.GetStatus(),
		CancelReason: reply.GetCancelReason(),
		TotalAmount:  reply.GetTotalAmount(),
		Version:      reply.GetVersion(),
	}, nil
}
