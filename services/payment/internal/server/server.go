// Package server builds the payment service's transports: the HTTP and
// gRPC servers of the payment.v1 API, and the worker that runs the outbox
// relay and the broker consumer beside them.
package server

import (
	"github.com/go-kratos/kratos/v2/log"
	kgrpc "github.com/go-kratos/kratos/v2/transport/grpc"
	khttp "github.com/go-kratos/kratos/v2/transport/http"

	"github.com/sagashop/sagashop/pkg/kit"
	v1 "github.com/sagashop/sagashop/services/payment/api/payment/v1"
	"github.com/sagashop/sagashop/services/payment/internal/conf"
	"github.com/sagashop/sagashop/services/payment/internal/service"
)

// NewHTTPServer serves the payment API over HTTP on c.http.addr; filters
// (the Idempotency-Key filter) run before routing.
func NewHTTPServer(c *conf.Server, svc *service.PaymentService, filters []khttp.FilterFunc, logger log.Logger) *khttp.Server {
	srv := kit.NewHTTPServer(kit.HTTPOptions{
		Addr:    c.GetHttp().GetAddr(),
		Timeout: c.GetHttp().GetTimeout().AsDuration(),
		Logger:  logger,
		Filters: filters,
	})
	v1.RegisterPaymentHTTPServer(srv, svc)
	return srv
}

// NewGRPCServer serves the payment API over gRPC on c.grpc.addr.
func NewGRPCServer(c *conf.Server, svc *service.PaymentService, logger log.Logger) *kgrpc.Server {
	srv := kit.NewGRPCServer(kit.GRPCOptions{
		Addr:    c.GetGrpc().GetAddr(),
		Timeout: c.GetGrpc().GetTimeout().AsDuration(),
		Logger:  logger,
	})
	v1.RegisterPaymentServer(srv, svc)
	return srv
}
