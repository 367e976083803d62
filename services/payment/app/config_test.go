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
		name       string
		doc        string
		useEnv     bool
		env        map[string]string
		httpAddr   string
		driver     string
		namesrv    []string
		orderGRPC  string
		orderTO    time.Duration
		retryTimes int32
	}{
		{
			name: "shipped defaults", doc: string(shipped),
			httpAddr: "0.0.0.0:8003", driver: "sqlite", namesrv: []string{"127.0.0.1:9876"},
			orderGRPC: "127.0.0.1:9001", orderTO: 3 * time.Second, retryTimes: 10,
		},
		{
			name: "environment overrides", doc: string(shipped), useEnv: true,
			env: map[string]string{
				"SAGASHOP_HTTP_ADDR": "127.0.0.1:18003", "SAGASHOP_DB_DRIVER": "mysql",
				"SAGASHOP_NAMESRV": "ns1:9876, ns2:9876", "SAGASHOP_ORDER_GRPC": "order:9001",
				"SAGASHOP_ORDER_TIMEOUT": "0.75s",
			},
			httpAddr: "127.0.0.1:18003", driver: "mysql", namesrv: []string{"ns1:9876", "ns2:9876"},
			orderGRPC: "order:9001", orderTO: 750 * time.Millisecond, retryTimes: 10,
		},
		{
			name: "environment ignored without UseEnv", doc: string(shipped),
			env:      map[string]string{"SAGASHOP_HTTP_ADDR": "127.0.0.1:18003"},
			httpAddr: "0.0.0.0:8003", driver: "sqlite", namesrv: []string{"127.0.0.1:9876"},
			orderGRPC: "127.0.0.1:9001", orderTO: 3 * time.Second, retryTimes: 10,
		},
		{
			name: "minimal document takes the defaults", doc: "payment:\n  retry_attempts: 3\n",
			httpAddr: "0.0.0.0:8003", driver: "sqlite", namesrv: []string{"127.0.0.1:9876"},
			orderGRPC: "127.0.0.1:9001", orderTO: 3 * time.Second, retryTimes: 3,
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
			got := []any{bc.Server.Http.Addr, bc.Data.Database.Driver, bc.Payment.OrderGrpc,
				bc.Payment.OrderTimeout.AsDuration(), bc.Payment.RetryAttempts}
			want := []any{tt.httpAddr, tt.driver, tt.orderGRPC, tt.orderTO, tt.retryTimes}
			if !slices.Equal(got, want) || !slices.Equal(bc.Messaging.NameServers, tt.namesrv) {
				t.Fatalf("got %v %v, want %v %v", got, bc.Messaging.NameServers, want, tt.namesrv)
			}
			if bc.Messaging.Group != "payment-service" || bc.Server.Grpc.Addr == "" {
				t.Fatalf("defaults missing: %v", bc)
			}
		})
	}
}

func TestLoadConfigRejectsEmpty(t *testing.T) {
	if _, err := loadConfig(nil, false); err == nil {
		t.Fatal("empty config accepted")
	}
}
