package kit

import (
	"context"
	"time"

	kerrors "github.com/go-kratos/kratos/v2/errors"
	"github.com/go-kratos/kratos/v2/log"
	"github.com/go-kratos/kratos/v2/middleware"
	"github.com/go-kratos/kratos/v2/transport"
)

// accessLog logs one line per request: info for a success, warn for a
// refused request (4xx: the client's mistake, no stack), error for a
// failure (5xx, with the error's text). Unlike kratos' logging
// middleware it does not log the request's arguments, which may hold
// what a shop should not write to its logs.
func accessLog(logger log.Logger) middleware.Middleware {
	return func(next middleware.Handler) middleware.Handler {
		return func(ctx context.Context, req any) (any, error) {
			start := time.Now()
			reply, err := next(ctx, req)
			var kind, op string
			if info, ok := transport.FromServerContext(ctx); ok {
				kind, op = info.Kind().String(), info.Operation()
			}
			kv := []any{"component", kind, "operation", op}
			level := log.LevelInfo
			if err != nil {
				se := kerrors.FromError(err)
				kv = append(kv, "code", se.Code, "reason", se.Reason)
				if se.Code >= 500 {
					level = log.LevelError
					kv = append(kv, "error", err.Error())
				} else {
					level = log.LevelWarn
					kv = append(kv, "message", se.Message)
				}
			} else {
				kv = append(kv, "code", 200)
			}
			kv = append(kv, "latency", time.Since(start).Seconds())
			_ = log.WithContext(ctx, logger).Log(level, kv...)
			return reply, err
		}
	}
}
