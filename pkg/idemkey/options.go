package idemkey

import (
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"github.com/redis/go-redis/v9"
)

// Header names.
const (
	// HeaderKey carries the client's idempotency key.
	HeaderKey = "Idempotency-Key"
	// HeaderReplayed is set to "true" on replayed responses.
	HeaderReplayed = "Idempotent-Replayed"
)

// Limits.
const (
	// MaxBodyBytes is the largest request body the filter accepts (413 above).
	MaxBodyBytes = 1 << 20
	// MaxKeyLen is the longest accepted key, in bytes (400 above).
	MaxKeyLen = 255
	// maxStoredResponse caps the captured response; a larger one is sent but
	// not remembered (the key is released).
	maxStoredResponse = 1 << 20
	// redisTimeout bounds the Redis calls made after the handler ran, which
	// must happen even when the client has gone away.
	redisTimeout = 5 * time.Second
)

// Options configures Filter. Zero fields take the defaults below.
type Options struct {
	// Redis stores the records. Required: without it keyed requests get 503.
	Redis redis.UniversalClient
	// Prefix of the Redis keys, "<prefix>:<key>"; default "idem".
	Prefix string
	// TTL of a finished record; default 24h.
	TTL time.Duration
	// PendingTTL of the claim taken while the handler runs, so a process that
	// dies mid-request does not block the key for TTL; default 1m, at most TTL.
	PendingTTL time.Duration
	// Logger receives Redis failures; default discards them.
	Logger log.Logger
}

// DefaultOptions returns the defaults, for the given client.
func DefaultOptions(rdb redis.UniversalClient) Options {
	return Options{Redis: rdb, Prefix: "idem", TTL: 24 * time.Hour, PendingTTL: time.Minute}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions(o.Redis)
	if o.Prefix == "" {
		o.Prefix = d.Prefix
	}
	if o.TTL <= 0 {
		o.TTL = d.TTL
	}
	if o.PendingTTL <= 0 {
		o.PendingTTL = d.PendingTTL
	}
	o.PendingTTL = min(o.PendingTTL, o.TTL)
	if o.Logger == nil {
		o.Logger = nopLogger{}
	}
	return o
}

// nopLogger discards everything.
type nopLogger struct{}

// Log discards keyvals.
func (nopLogger) Log(log.Level, ...any) error { return nil }
