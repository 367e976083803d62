package redisx

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Options configures New.
type Options struct {
	// Addr is host:port of the server. Required.
	Addr string
	// Password authenticates the connection; default none.
	Password string
	// DB selects the logical database; default 0.
	DB int
	// PingTimeout bounds the connectivity check of New; default 3s.
	PingTimeout time.Duration
}

// New returns a client for o.Addr after a successful PING. The caller owns
// the client and closes it.
func New(o Options) (*redis.Client, error) {
	if o.Addr == "" {
		return nil, fmt.Errorf("%w: empty address", ErrUnavailable)
	}
	if o.PingTimeout <= 0 {
		o.PingTimeout = 3 * time.Second
	}
	c := redis.NewClient(&redis.Options{Addr: o.Addr, Password: o.Password, DB: o.DB})
	ctx, cancel := context.WithTimeout(context.Background(), o.PingTimeout)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("%w: %s: %w", ErrUnavailable, o.Addr, err)
	}
	return c, nil
}
