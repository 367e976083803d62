// Package service adapts the payment use cases to the payment.v1 API
// (HTTP and gRPC) and to the broker's message handlers: it validates and
// converts requests, and converts results, nothing more.
package service

import (
	"context"
	"strconv"

	"github.com/go-kratos/kratos/v2/errors"
	"github.com/go-kratos/kratos/v2/log"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/sagashop/sagashop/pkg/event"
	v1 "github.com/sagashop/sagashop/services/payment/api/payment/v1"
	"github.com/sagashop/sagashop/services/payment/internal/biz"
)

// Page sizes of ListPayments.
const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// PaymentService implements v1.PaymentServer and v1.PaymentHTTPServer.
type PaymentService struct {
	v1.UnimplementedPaymentServer

	uc  *biz.PaymentUsecase
	log *log.Helper
}

// NewPaymentService returns the API over uc.
func NewPaymentService(uc *biz.PaymentUsecase, logger log.Logger) *PaymentService {
	return &PaymentService{uc: uc, log: log.NewHelper(log.With(logger, "module", "payment/service"))}
}

// CreatePayment implements v1.PaymentServer.
func (s *PaymentService) CreatePayment(ctx context.Context, req *v1.CreatePaymentRequest) (*v1.PaymentReply, error) {
	if err := validOrderSN(req.GetOrderSn(), true); err != nil {
		return nil, err
	}
	if req.GetAmount() <= 0 {
		return nil, v1.ErrorInvalidArgument("amount must be a positive number of cents, got %d", req.GetAmount())
	}
	p, err := s.uc.Create(ctx, req.GetOrderSn(), req.GetAmount())
	if err != nil {
		return nil, s.apiError(ctx, err)
	}
	return toReply(p), nil
}

// ListPayments implements v1.PaymentServer.
func (s *PaymentService) ListPayments(ctx context.Context, req *v1.ListPaymentsRequest) (*v1.ListPaymentsReply, error) {
	if err := validOrderSN(req.GetOrderSn(), false); err != nil {
		return nil, err
	}
	size := int(req.GetPageSize())
	switch {
	case size < 0:
		return nil, v1.ErrorInvalidArgument("page_size must not be negative, got %d", size)
	case size == 0:
		size = defaultPageSize
	case size > maxPageSize:
		size = maxPageSize
	}
	var after int64
	if tok := req.GetPageToken(); tok != "" {
		n, err := strconv.ParseInt(tok, 10, 64)
		if err != nil || n <= 0 {
			return nil, v1.ErrorInvalidArgument("page_token %q is not a token this API returned", tok)
		}
		after = n
	}
	ps, err := s.uc.List(ctx, biz.ListQuery{OrderSN: req.GetOrderSn(), AfterID: after, Limit: size + 1})
	if err != nil {
		return nil, s.apiError(ctx, err)
	}
	reply := &v1.ListPaymentsReply{}
	if len(ps) > size {
		ps = ps[:size]
		reply.NextPageToken = strconv.FormatInt(ps[size-1].ID, 10)
	}
	reply.Payments = make([]*v1.PaymentReply, len(ps))
	for i, p := range ps {
		reply.Payments[i] = toReply(p)
	}
	return reply, nil
}

// validOrderSN checks an order_sn as the event envelope does: 1 to
// event.MaxOrderSNLen printable ASCII characters without spaces or '/'.
// An empty one passes unless required.
func validOrderSN(sn string, required bool) error {
	if sn == "" {
		if required {
			return v1.ErrorInvalidArgument("order_sn is required")
		}
		return nil
	}
	if !event.ValidOrderSN(sn) {
		return v1.ErrorInvalidArgument("order_sn %q is not 1 to %d printable ASCII characters without spaces or '/'", sn, event.MaxOrderSNLen)
	}
	return nil
}

// apiError passes kratos errors through and hides anything else behind
// INTERNAL, logging the cause.
func (s *PaymentService) apiError(ctx context.Context, err error) error {
	if se := new(errors.Error); errors.As(err, &se) {
		return err
	}
	s.log.WithContext(ctx).Errorf("internal error: %v", err)
	return v1.ErrorInternal("internal error").WithCause(err)
}

func toReply(p *biz.Payment) *v1.PaymentReply {
	return &v1.PaymentReply{
		PaymentSn: p.PaymentSN,
		OrderSn:   p.OrderSN,
		Amount:    p.Amount,
		Status:    string(p.Status),
		CreatedAt: timestamppb.New(p.CreatedAt),
		UpdatedAt: timestamppb.New(p.UpdatedAt),
		Version:   p.Version,
	}
}
