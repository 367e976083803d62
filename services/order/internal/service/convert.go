package service

import (
	"io"

	"github.com/go-kratos/kratos/v2/log"
	"google.golang.org/protobuf/types/known/timestamppb"

	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// toProto converts an order for the API.
func toProto(o *biz.Order) *v1.OrderInfo {
	p := &v1.OrderInfo{
		OrderSn: o.SN, UserId: o.UserID, Status: string(o.Status), CancelReason: o.CancelReason,
		TotalAmount: o.TotalAmount, Version: o.Version, PaymentSn: o.PaymentSN,
		PaymentDeadline: timestamppb.New(o.PaymentDeadline), CreatedAt: timestamppb.New(o.CreatedAt),
		UpdatedAt: timestamppb.New(o.UpdatedAt), Items: make([]*v1.OrderItem, len(o.Items)),
	}
	for i, it := range o.Items {
		p.Items[i] = &v1.OrderItem{Sku: it.SKU, Name: it.Name, Quantity: it.Quantity, UnitPrice: it.UnitPrice}
	}
	return p
}

// helper returns a log helper for the service layer; a nil logger discards.
func helper(logger log.Logger) *log.Helper {
	if logger == nil {
		logger = log.NewStdLogger(io.Discard)
	}
	return log.NewHelper(log.With(logger, "module", "order/service"))
}
