package namesrv

import (
	"fmt"
	"log/slog"
	"time"
)

// Options tune a Server. Zero fields take their defaults.
type Options struct {
	// BrokerExpiry removes a broker that has not registered for this long;
	// default 120s (Java's BROKER_CHANNEL_EXPIRED_TIME).
	BrokerExpiry time.Duration
	// ScanInterval is how often expired brokers are looked for; default 10s.
	ScanInterval time.Duration
	// Logger receives registrations, removals and expiries; default discards.
	Logger *slog.Logger
	// Now is the clock used for registration times and expiry; default
	// time.Now. Tests inject a fake one.
	Now func() time.Time
}

// DefaultOptions returns the options a NameServer runs with by default.
func DefaultOptions() Options {
	return Options{
		BrokerExpiry: 120 * time.Second,
		ScanInterval: 10 * time.Second,
		Logger:       slog.New(slog.DiscardHandler),
		Now:          time.Now,
	}
}

// withDefaults fills zero fields and rejects negative durations.
func (o Options) withDefaults() (Options, error) {
	d := DefaultOptions()
	if o.BrokerExpiry < 0 {
		return o, fmt.Errorf("%w: BrokerExpiry %v is negative", ErrBadOptions, o.BrokerExpiry)
	}
	if o.ScanInterval < 0 {
		return o, fmt.Errorf("%w: ScanInterval %v is negative", ErrBadOptions, o.ScanInterval)
	}
	if o.BrokerExpiry == 0 {
		o.BrokerExpiry = d.BrokerExpiry
	}
	if o.ScanInterval == 0 {
		o.ScanInterval = d.ScanInterval
	}
	if o.Logger == nil {
		o.Logger = d.Logger
	}
	if o.Now == nil {
		o.Now = d.Now
	}
	return o, nil
}
