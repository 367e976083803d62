package kit

import (
	"context"
	"fmt"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"github.com/go-kratos/kratos/v2/middleware"
	"github.com/go-kratos/kratos/v2/middleware/recovery"
	kgrpc "github.com/go-kratos/kratos/v2/transport/grpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
)

// GRPCOptions configures NewGRPCServer.
type GRPCOptions struct {
	Addr    string        // listen address, e.g. ":9001"; required
	Timeout time.Duration // per-call timeout; 0 means 5s
	Logger  log.Logger    // call log and recovered panics; nil means none
}

// NewGRPCServer builds a kratos gRPC server with recovery and logging
// middleware.
func NewGRPCServer(o GRPCOptions) *kgrpc.Server {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	mw := []middleware.Middleware{recovery.Recovery()}
	if o.Logger != nil {
		mw = append(mw, accessLog(o.Logger))
	}
	return kgrpc.NewServer(kgrpc.Address(o.Addr), kgrpc.Timeout(o.Timeout), kgrpc.Middleware(mw...))
}

// DialGRPC connects to a kratos gRPC server at endpoint ("host:port")
// without TLS. Calls time out after timeout (0 means 5s). The connection
// is lazy: a server that is down fails calls, not the dial.
//
// A call waits, within its timeout, for a server that is restarting
// instead of failing at once, and reconnect attempts back off from 100ms
// to at most 1s: with gRPC's defaults (1s growing to 120s, fail fast) a
// peer that was down for a moment keeps failing calls long after it is
// back.
func DialGRPC(ctx context.Context, endpoint string, timeout time.Duration) (*grpc.ClientConn, error) {
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	conn, err := kgrpc.DialInsecure(ctx,
		kgrpc.WithEndpoint(endpoint),
		kgrpc.WithTimeout(timeout),
		kgrpc.WithMiddleware(recovery.Recovery()),
		kgrpc.WithOptions(
			grpc.WithConnectParams(grpc.ConnectParams{
				Backoff: backoff.Config{
					BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: time.Second,
				},
				MinConnectTimeout: time.Second,
			}),
			grpc.WithDefaultCallOptions(grpc.WaitForReady(true)),
		),
	)
	if err != nil {
		return nil, fmt.Errorf("kit: dial %s: %w", endpoint, err)
	}
	return conn, nil
}
