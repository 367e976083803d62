package embedded

import (
	"errors"
	"fmt"
	"time"

	"github.com/go-kratos/kratos/v2/log"

	"github.com/sagashop/sagashop/mq/conf"
)

// DemoDelayLevels is the broker delay table of the embedded shop: RocketMQ's
// default with level 16, the payment timeout, at one minute.
const DemoDelayLevels = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 1m 1h 2h"

// TimeoutLevel is the delay level of order:timeout.
const TimeoutLevel = 16

// Options configures Run. Zero fields take the documented defaults.
type Options struct {
	// DataDir holds the broker store and the SQLite files; default "data".
	DataDir string
	// DelayLevels is the broker's messageDelayLevel table; default
	// DemoDelayLevels. Level 16 is the payment timeout.
	DelayLevels string
	// Host is the address every listener binds; default "127.0.0.1".
	Host string
	// Ports of the listeners; defaults 9876, 10911, 8001/9001 (order),
	// 8002/9002 (inventory) and 8003/9003 (payment).
	NamesrvPort, BrokerPort              int
	OrderHTTPPort, OrderGRPCPort         int
	InventoryHTTPPort, InventoryGRPCPort int
	PaymentHTTPPort, PaymentGRPCPort     int
	// SweepInterval and SweepGrace drive the order service's backstop for
	// lost timeout messages; defaults 5s and 15s.
	SweepInterval, SweepGrace time.Duration
	// Logger receives the services' logs; default a no-op logger.
	Logger log.Logger
}

// withDefaults fills the zero fields and validates the delay table.
func (o Options) withDefaults() (Options, time.Duration, error) {
	if o.DataDir == "" {
		o.DataDir = "data"
	}
	if o.DelayLevels == "" {
		o.DelayLevels = DemoDelayLevels
	}
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	ports := []struct {
		p   *int
		def int
	}{
		{&o.NamesrvPort, 9876}, {&o.BrokerPort, 10911},
		{&o.OrderHTTPPort, 8001}, {&o.OrderGRPCPort, 9001},
		{&o.InventoryHTTPPort, 8002}, {&o.InventoryGRPCPort, 9002},
		{&o.PaymentHTTPPort, 8003}, {&o.PaymentGRPCPort, 9003},
	}
	for _, p := range ports {
		if *p.p == 0 {
			*p.p = p.def
		}
		if *p.p < 0 || *p.p > 65535 {
			return o, 0, fmt.Errorf("embedded: port %d out of range", *p.p)
		}
	}
	if o.SweepInterval <= 0 {
		o.SweepInterval = 5 * time.Second
	}
	if o.SweepGrace <= 0 {
		o.SweepGrace = 15 * time.Second
	}
	if o.Logger == nil {
		o.Logger = log.NewFilter(log.DefaultLogger, log.FilterLevel(log.LevelFatal))
	}
	levels, err := conf.ParseDelayLevels(o.DelayLevels)
	if err != nil {
		return o, 0, fmt.Errorf("embedded: %w", err)
	}
	if len(levels) < TimeoutLevel {
		return o, 0, errors.New("embedded: the delay table needs at least 16 levels (level 16 is the payment timeout)")
	}
	return o, levels[TimeoutLevel-1], nil
}

func (o Options) addr(port int) string { return fmt.Sprintf("%s:%d", o.Host, port) }
