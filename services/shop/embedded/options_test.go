package embedded

import (
	"testing"
	"time"
)

func TestOptionsWithDefaults(t *testing.T) {
	tests := []struct {
		name        string
		in          Options
		wantTimeout time.Duration
		wantErr     bool
	}{
		{name: "demo table: level 16 is a minute", in: Options{}, wantTimeout: time.Minute},
		{name: "the default broker table", in: Options{DelayLevels: "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"}, wantTimeout: 30 * time.Minute},
		{name: "a test table", in: Options{DelayLevels: "1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 3s"}, wantTimeout: 3 * time.Second},
		{name: "too few levels", in: Options{DelayLevels: "1s 2s"}, wantErr: true},
		{name: "not a table", in: Options{DelayLevels: "soon"}, wantErr: true},
		{name: "port out of range", in: Options{OrderHTTPPort: 70000}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, timeout, err := tc.in.withDefaults()
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if timeout != tc.wantTimeout {
				t.Fatalf("timeout = %v, want %v", timeout, tc.wantTimeout)
			}
			if o.DataDir != "data" || o.Host != "127.0.0.1" || o.OrderHTTPPort != 8001 || o.PaymentGRPCPort != 9003 ||
				o.NamesrvPort != 9876 || o.BrokerPort != 10911 || o.Logger == nil {
				t.Fatalf("defaults not applied: %+v", o)
			}
			if got := o.addr(o.InventoryHTTPPort); got != "127.0.0.1:8002" {
				t.Fatalf("addr = %s", got)
			}
		})
	}
}
