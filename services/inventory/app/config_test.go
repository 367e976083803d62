package app

import (
	"os"
	"slices"
	"testing"
	"time"
)

func TestLoadConfig(t *testing.T) {
	shipped, err := os.ReadFile("../configs/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		doc      string
		useEnv   bool
		env      map[string]string
		httpAddr string
		grpcAddr string
		driver   string
		source   string
		redis    string
		namesrv  []string
		cacheTTL time.Duration
		attempts int32
	}{
		{
			name: "shipped defaults", doc: string(shipped),
			httpAddr: "0.0.0.0:8002", grpcAddr: "0.0.0.0:9002", driver: "sqlite", source: "./data/inventory.db",
			redis: "127.0.0.1:6379", namesrv: []string{"127.0.0.1:9876"}, cacheTTL: time.Minute, attempts: 20,
		},
		{
			name: "environment overrides", doc: string(shipped), useEnv: true,
			env: map[string]string{
				"SAGASHOP_HTTP_ADDR": "127.0.0.1:18002", "SAGASHOP_GRPC_ADDR": "127.0.0.1:19002",
				"SAGASHOP_DB_DRIVER": "mysql", "SAGASHOP_DB_SOURCE": "u:p@tcp(db:3306)/inventory",
				"SAGASHOP_REDIS_ADDR": "redis:6379", "SAGASHOP_NAMESRV": "ns1:9876, ns2:9876",
				"SAGASHOP_STOCK_CACHE_TTL": "5s",
			},
			httpAddr: "127.0.0.1:18002", grpcAddr: "127.0.0.1:19002", driver: "mysql", source: "u:p@tcp(db:3306)/inventory",
			redis: "redis:6379", namesrv: []string{"ns1:9876", "ns2:9876"}, cacheTTL: 5 * time.Second, attempts: 20,
		},
		{
			name: "environment ignored without UseEnv", doc: string(shipped),
			env:      map[string]string{"SAGASHOP_HTTP_ADDR": "127.0.0.1:18002"},
			httpAddr: "0.0.0.0:8002", grpcAddr: "0.0.0.0:9002", driver: "sqlite", source: "./data/inventory.db",
			redis: "127.0.0.1:6379", namesrv: []string{"127.0.0.1:9876"}, cacheTTL: time.Minute, attempts: 20,
		},
		{
			name: "minimal document takes the defaults", doc: "inventory:\n  retry_attempts: 3\n",
			httpAddr: "0.0.0.0:8002", grpcAddr: "0.0.0.0:9002", driver: "sqlite", source: "./data/inventory.db",
			redis: "127.0.0.1:6379", namesrv: []string{"127.0.0.1:9876"}, cacheTTL: time.Minute, attempts: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			bc, err := loadConfig([]byte(tt.doc), tt.useEnv)
			if err != nil {
				t.Fatal(err)
			}
			got := []any{bc.Server.Http.Addr, bc.Server.Grpc.Addr, bc.Data.Database.Driver, bc.Data.Database.Source,
				bc.Data.Redis.Addr, bc.Inventory.StockCacheTtl.AsDuration(), bc.Inventory.RetryAttempts}
			want := []any{tt.httpAddr, tt.grpcAddr, tt.driver, tt.source, tt.redis, tt.cacheTTL, tt.attempts}
			if !slices.Equal(got, want) || !slices.Equal(bc.Messaging.NameServers, tt.namesrv) {
				t.Fatalf("got %v %v, want %v %v", got, bc.Messaging.NameServers, want, tt.namesrv)
			}
			if bc.Messaging.Group != "inventory-service" || bc.Messaging.ProducerGroup != "inventory-producer" {
				t.Fatalf("groups: %v", bc.Messaging)
			}
		})
	}
}

func TestLoadConfigRejectsEmpty(t *testing.T) {
	if _, err := loadConfig(nil, false); err == nil {
		t.Fatal("empty config accepted")
	}
}
