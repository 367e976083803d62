package app

import (
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/sagashop/sagashop/pkg/kit"
	"github.com/sagashop/sagashop/services/payment/internal/conf"
)

// loadConfig parses doc and fills every setting it leaves out with the
// defaults documented in conf.proto.
func loadConfig(doc []byte, useEnv bool) (*conf.Bootstrap, error) {
	bc := &conf.Bootstrap{}
	if err := kit.LoadConfig(doc, useEnv, bc); err != nil {
		return nil, fmt.Errorf("payment: %w", err)
	}
	if bc.Server == nil {
		bc.Server = &conf.Server{}
	}
	if bc.Server.Http == nil {
		bc.Server.Http = &conf.Server_HTTP{}
	}
	if bc.Server.Grpc == nil {
		bc.Server.Grpc = &conf.Server_GRPC{}
	}
	if bc.Data == nil {
		bc.Data = &conf.Data{}
	}
	if bc.Data.Database == nil {
		bc.Data.Database = &conf.Data_Database{}
	}
	if bc.Data.Redis == nil {
		bc.Data.Redis = &conf.Data_Redis{}
	}
	if bc.Messaging == nil {
		bc.Messaging = &conf.Messaging{}
	}
	if bc.Payment == nil {
		bc.Payment = &conf.Payment{}
	}
	setString(&bc.Server.Http.Addr, "0.0.0.0:8003")
	setString(&bc.Server.Grpc.Addr, "0.0.0.0:9003")
	setDuration(&bc.Server.Http.Timeout, 5*time.Second)
	setDuration(&bc.Server.Grpc.Timeout, 5*time.Second)
	setString(&bc.Data.Database.Driver, "sqlite")
	setString(&bc.Data.Database.Source, "./data/payment.db")
	setString(&bc.Data.Redis.Addr, "127.0.0.1:6379")
	setString(&bc.Messaging.Group, "payment-service")
	setString(&bc.Messaging.ProducerGroup, "payment-producer")
	setDuration(&bc.Messaging.SendTimeout, 3*time.Second)
	if bc.Messaging.TopicQueues <= 0 {
		bc.Messaging.TopicQueues = 4
	}
	if bc.Messaging.MaxReconsumeTimes <= 0 {
		bc.Messaging.MaxReconsumeTimes = 16
	}
	bc.Messaging.NameServers = splitList(bc.Messaging.NameServers)
	if len(bc.Messaging.NameServers) == 0 {
		bc.Messaging.NameServers = []string{"127.0.0.1:9876"}
	}
	setString(&bc.Payment.OrderGrpc, "127.0.0.1:9001")
	setDuration(&bc.Payment.OrderTimeout, 3*time.Second)
	if bc.Payment.RetryAttempts <= 0 {
		bc.Payment.RetryAttempts = 10
	}
	setDuration(&bc.Payment.RelayPollInterval, 200*time.Millisecond)
	setDuration(&bc.Payment.IdempotencyTtl, 24*time.Hour)
	return bc, nil
}

func setString(s *string, def string) {
	if strings.TrimSpace(*s) == "" {
		*s = def
	}
}

func setDuration(d **durationpb.Duration, def time.Duration) {
	if *d == nil || (*d).AsDuration() <= 0 {
		*d = durationpb.New(def)
	}
}

// splitList splits comma-separated entries (an environment variable gives
// one string) and drops blanks.
func splitList(in []string) []string {
	var out []string
	for _, entry := range in {
		for _, s := range strings.Split(entry, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
