package app

import (
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/sagashop/sagashop/pkg/kit"
	"github.com/sagashop/sagashop/services/order/internal/conf"
)

// config is the loaded configuration with every default applied.
type config struct {
	httpAddr, grpcAddr       string
	httpTimeout, grpcTimeout time.Duration

	dbDriver, dbSource        string
	maxOpen, maxIdle          int
	connLifetime, slowQuery   time.Duration
	redisAddr, redisPassword  string
	redisDB                   int
	nameServers               []string
	group, producerGroup      string
	txGroup                   string
	sendTimeout               time.Duration
	topicQueues               int
	maxReconsume              int32
	paymentTimeout            time.Duration
	sweepInterval, sweepGrace time.Duration
	retryAttempts             int
	relayPoll, idempotencyTTL time.Duration
	inventoryAddr             string
	inventoryTimeout          time.Duration
	productCacheTTL           time.Duration
}

// loadConfig parses doc (resolving ${SAGASHOP_...} from the environment
// with useEnv) and applies the defaults documented in conf.proto.
func loadConfig(doc []byte, useEnv bool) (config, error) {
	var bc conf.Bootstrap
	if err := kit.LoadConfig(doc, useEnv, &bc); err != nil {
		return config{}, fmt.Errorf("order: config: %w", err)
	}
	s, d, m, o, inv := bc.GetServer(), bc.GetData(), bc.GetMessaging(), bc.GetOrder(), bc.GetInventory()
	c := config{
		httpAddr:         or(s.GetHttp().GetAddr(), "0.0.0.0:8001"),
		grpcAddr:         or(s.GetGrpc().GetAddr(), "0.0.0.0:9001"),
		httpTimeout:      dur(s.GetHttp().GetTimeout(), 5*time.Second),
		grpcTimeout:      dur(s.GetGrpc().GetTimeout(), 5*time.Second),
		dbDriver:         or(d.GetDatabase().GetDriver(), "sqlite"),
		dbSource:         or(d.GetDatabase().GetSource(), "./data/order.db"),
		maxOpen:          int(num(d.GetDatabase().GetMaxOpenConns(), 20)),
		maxIdle:          int(d.GetDatabase().GetMaxIdleConns()), // 0: db.Open uses maxOpen
		connLifetime:     dur(d.GetDatabase().GetConnMaxLifetime(), time.Hour),
		slowQuery:        dur(d.GetDatabase().GetSlowThreshold(), 200*time.Millisecond),
		redisAddr:        or(d.GetRedis().GetAddr(), "127.0.0.1:6379"),
		redisPassword:    d.GetRedis().GetPassword(),
		redisDB:          int(d.GetRedis().GetDb()),
		group:            or(m.GetGroup(), "order-service"),
		producerGroup:    or(m.GetProducerGroup(), "order-producer"),
		txGroup:          or(m.GetTxGroup(), "order-tx"),
		sendTimeout:      dur(m.GetSendTimeout(), 3*time.Second),
		topicQueues:      int(num(m.GetTopicQueues(), 4)),
		maxReconsume:     num(m.GetMaxReconsumeTimes(), 16),
		paymentTimeout:   dur(o.GetPaymentTimeout(), 30*time.Minute),
		sweepInterval:    dur(o.GetSweepInterval(), 60*time.Second),
		sweepGrace:       durOrZero(o.GetSweepGrace(), 5*time.Minute),
		retryAttempts:    int(num(o.GetRetryAttempts(), 10)),
		relayPoll:        dur(o.GetRelayPollInterval(), 200*time.Millisecond),
		idempotencyTTL:   dur(o.GetIdempotencyTtl(), 24*time.Hour),
		inventoryAddr:    or(inv.GetEndpoint(), "127.0.0.1:9002"),
		inventoryTimeout: dur(inv.GetTimeout(), 3*time.Second),
		productCacheTTL:  durOrZero(inv.GetProductCacheTtl(), 30*time.Second),
	}
	// an entry may hold several comma-separated NameServers (SAGASHOP_NAMESRV)
	for _, entry := range m.GetNameServers() {
		for _, ns := range strings.Split(entry, ",") {
			if ns = strings.TrimSpace(ns); ns != "" {
				c.nameServers = append(c.nameServers, ns)
			}
		}
	}
	if len(c.nameServers) == 0 {
		c.nameServers = []string{"127.0.0.1:9876"}
	}
	return c, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func num(v, def int32) int32 {
	if v <= 0 {
		return def
	}
	return v
}

func dur(v *durationpb.Duration, def time.Duration) time.Duration {
	if v == nil || v.AsDuration() <= 0 {
		return def
	}
	return v.AsDuration()
}

// durOrZero is dur that keeps an explicit zero.
func durOrZero(v *durationpb.Duration, def time.Duration) time.Duration {
	if v != nil && v.AsDuration() == 0 {
		return 0
	}
	return dur(v, def)
}
