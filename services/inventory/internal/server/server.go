// Package server builds the inventory service's transports: the HTTP and
// gRPC servers of the inventory.v1 API, and the worker that runs the
// producer, the outbox relay and the order-topic consumer beside them.
package server

import (
	"github.com/go-kratos/kratos/v2/log"
	kgrpc "github.com/go-kratos/kratos/v2/transport/grpc"
	khttp "github.com/go-kratos/kratos/v2/transport/http"

	"github.com/sagashop/sagashop/pkg/kit"
	v1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
	"github.com/sagashop/sagashop/services/inventory/internal/conf"
	"github.com/sagashop/sagashop/services/inventory/internal/service"
)

// NewHTTPServer serves the inventory API over HTTP on c.http.addr; filters
// (the Idempotency-Key filter) run before routing.
func NewHTTPServer(c *conf.Server, svc *service.InventoryService, filters []khttp.FilterFunc, logger log.Logger) *khttp.Server {
	srv := kit.NewHTTPServer(kit.HTTPOptions{
		Addr:    c.GetHttp().GetAddr(),
		Timeout: c.GetHttp().GetTimeout().AsDuration(),
		Logger:  logger,
		Filters: filters,
	})
	v1.RegisterInventoryHTTPServer(srv, svc)
	return srv
}

// NewGRPCServer serves the inventory API over gRPC on c.grpc.addr
// (BatchGetProducts is gRPC only).
func NewGRPCServer(c *conf.Server, svc *service.InventoryService, logger log.Logger) *kgrpc.Server {
	srv := kit.NewGRPCServer(kit.GRPCOptions{
		Addr:    c.GetGrpc().GetAddr(),
		Timeout: c.GetGrpc().GetTimeout().AsDuration(),
		Logger:  logger,
	})
	v1.RegisterInventoryServer(srv, svc)
	return srv
}
