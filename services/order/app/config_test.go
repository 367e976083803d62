package app

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestLoadConfigFile(t *testing.T) {
	doc, err := os.ReadFile("../configs/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		useEnv  bool
		check   func(c config) bool
		wantErr string
	}{
		{name: "defaults", check: func(c config) bool {
			return c.paymentTimeout == 30*time.Minute && c.sweepInterval == time.Minute && c.sweepGrace == 5*time.Minute &&
				c.httpAddr == "0.0.0.0:8001" && c.grpcAddr == "0.0.0.0:9001" && c.dbDriver == "sqlite" &&
				c.dbSource == "./data/order.db" && c.connLifetime == time.Hour && c.relayPoll == 200*time.Millisecond &&
				strings.Join(c.nameServers, ",") == "127.0.0.1:9876" && c.group == "order-service" &&
				c.txGroup == "order-tx" && c.producerGroup == "order-producer" && c.inventoryAddr == "127.0.0.1:9002"
		}},
		{name: "env ignored without UseEnv", env: map[string]string{"SAGASHOP_HTTP_ADDR": ":1"}, check: func(c config) bool {
			return c.httpAddr == "0.0.0.0:8001"
		}},
		{name: "env overrides", useEnv: true, env: map[string]string{
			"SAGASHOP_PAYMENT_TIMEOUT": "90s", "SAGASHOP_SWEEP_INTERVAL": "5s", "SAGASHOP_SWEEP_GRACE": "1m30s",
			"SAGASHOP_NAMESRV": "ns1:9876, ns2:9876", "SAGASHOP_DB_DRIVER": "mysql",
			"SAGASHOP_DB_SOURCE": "u:p@tcp(db:3306)/order?parseTime=true#x", "SAGASHOP_INVENTORY_GRPC": "inventory:9002",
			"SAGASHOP_HTTP_ADDR": ":18001", "SAGASHOP_REDIS_ADDR": "redis:6379",
		}, check: func(c config) bool {
			return c.paymentTimeout == 90*time.Second && c.sweepInterval == 5*time.Second &&
				c.sweepGrace == 90*time.Second && strings.Join(c.nameServers, ",") == "ns1:9876,ns2:9876" &&
				c.dbDriver == "mysql" && c.dbSource == "u:p@tcp(db:3306)/order?parseTime=true#x" &&
				c.inventoryAddr == "inventory:9002" && c.httpAddr == ":18001" && c.redisAddr == "redis:6379"
		}},
		{name: "bad duration", useEnv: true, env: map[string]string{"SAGASHOP_PAYMENT_TIMEOUT": "soon"},
			wantErr: "order.payment_timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := loadConfig(doc, tt.useEnv)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Fatalf("config = %+v", c)
			}
		})
	}
}

func TestLoadConfigMinimal(t *testing.T) {
	c, err := loadConfig([]byte("order:\n  sweep_grace: 0s\n"), false)
	if err != nil {
		t.Fatal(err)
	}
	if c.sweepGrace != 0 || c.paymentTimeout != 30*time.Minute || c.maxReconsume != 16 {
		t.Fatalf("config = %+v", c)
	}
	if _, err := loadConfig([]byte("server: [\n"), false); err == nil {
		t.Fatal("broken YAML accepted")
	}
}
