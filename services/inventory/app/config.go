package app

import (
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/sagashop/sagashop/pkg/kit"
	"github.com/sagashop/sagashop/services/inventory/internal/conf"
)

// loadConfig parses doc and fills every setting it leaves out with the
// defaults documented in conf.proto.
func loadConfig(doc []byte, useEnv bool) (*conf.Bootstrap, error) {
	bc := &conf.Bootstrap{}
	if err := kit.LoadConfig(doc, useEnv, bc); err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
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
	if bc.Inventory == nil {
		bc.Inventory = &conf.Inventory{}
	}
	setString(&bc.Server.Http.Addr, "0.0.0.0:8002")
	setString(&bc.Server.Grpc.Addr, "0.0.0.0:9002")
	setDuration(&bc.Server.Http.Timeout, 5*time.Second)
	setDuration(&bc.Server.Grpc.Timeout, 5*time.Second)
	setString(&bc.Data.Database.Driver, "sqlite")
	setString(&bc.Data.Database.Source, "./data/inventory.db")
	setString(&bc.Data.Redis.Addr, "127.0.0.1:6379")
	setString(&bc.Messaging.Group, "inventory-service")
	setString(&bc.Messaging.ProducerGroup, "inventory-producer")
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
	setDuration(&bc.Inventory.StockCacheTtl, 60*time.Second)
	if bc.Inventory.RetryAttempts <= 0 {
		bc.Inventory.RetryAttempts = 20
	}
	setDuration(&bc.Inventory.RelayPollInterval, 200*time.Millisecond)
	setDuration(&bc.Inventory.IdempotencyTtl, 24*time.Hour)
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
