// Package server builds the order service's transports: the HTTP and gRPC
// servers and the "worker" lifecycle that runs the producers, the outbox
// relay, the consumer and the sweep.
package server

import (
	"time"

	"github.com/go-kratos/kratos/v2/log"
	kgrpc "github.com/go-kratos/kratos/v2/transport/grpc"
	khttp "github.com/go-kratos/kratos/v2/transport/http"

	"github.com/sagashop/sagashop/pkg/kit"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	"github.com/sagashop/sagashop/services/order/internal/service"
)

// NewHTTPServer returns the HTTP server of the order API on addr; filters
// run before routing (the Idempotency-Key filter).
func NewHTTPServer(addr string, timeout time.Duration, svc *service.OrderService, logger log.Logger,
	filters ...khttp.FilterFunc) *khttp.Server {
	srv := kit.NewHTTPServer(kit.HTTPOptions{Addr: addr, Timeout: timeout, Logger: logger, Filters: filters})
	v1.RegisterOrderHTTPServer(srv, svc)
	return srv
}

// NewGRPCServer returns the gRPC server of the order API on addr.
func NewGRPCServer(addr string, timeout time.Duration, svc *service.OrderService, logger log.Logger) *kgrpc.Server {
	srv := kit.NewGRPCServer(kit.GRPCOptions{Addr: addr, Timeout: timeout, Logger: logger})
	v1.RegisterOrderServer(srv, svc)
	return srv
}
