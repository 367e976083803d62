package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	kerrors "github.com/go-kratos/kratos/v2/errors"

	"github.com/sagashop/sagashop/pkg/kit"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

func TestGetOrderWaitValidation(t *testing.T) {
	tests := []struct {
		name     string
		req      *v1.GetOrderRequest
		wantCode int
	}{
		{"negative min_version", &v1.GetOrderRequest{OrderSn: "SN1", MinVersion: -1, WaitMs: 100}, 400},
		{"negative wait_ms", &v1.GetOrderRequest{OrderSn: "SN1", MinVersion: 2, WaitMs: -1}, 400},
		{"wait_ms above 30000", &v1.GetOrderRequest{OrderSn: "SN1", MinVersion: 2, WaitMs: 30001}, 400},
		{"wait_ms above 30000 without min_version", &v1.GetOrderRequest{OrderSn: "SN1", WaitMs: 60000}, 400},
		{"wait_ms of 30000", &v1.GetOrderRequest{OrderSn: "SN1", MinVersion: 1, WaitMs: 30000}, 200},
		{"no wait", &v1.GetOrderRequest{OrderSn: "SN1", MinVersion: 9}, 200},
	}
	p := &ports{get: func(sn string) (*biz.Order, error) { return &biz.Order{SN: sn, Version: 1}, nil }}
	s := newService(t, p)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.GetOrder(context.Background(), tt.req)
			if code := kerrors.Code(err); code != tt.wantCode {
				t.Fatalf("err = %v, want %d", err, tt.wantCode)
			}
			if tt.wantCode == 400 && !v1.IsInvalidArgument(err) {
				t.Fatalf("err = %v, want INVALID_ARGUMENT", err)
			}
		})
	}
}

// TestGetOrderWaitOverHTTP sends blocking GETs through the kratos HTTP
// server, so that min_version and wait_ms come from the query string.
func TestGetOrderWaitOverHTTP(t *testing.T) {
	var version atomic.Int64
	version.Store(1)
	p := &ports{get: func(sn string) (*biz.Order, error) {
		if sn != "SN1" {
			return notFound(sn)
		}
		return &biz.Order{SN: sn, Status: biz.StatusCreated, Version: version.Load()}, nil
	}}
	srv := kit.NewHTTPServer(kit.HTTPOptions{Addr: "127.0.0.1:0", Timeout: 10 * time.Second})
	v1.RegisterOrderHTTPServer(srv, newService(t, p))
	hs := httptest.NewServer(srv)
	defer hs.Close()

	get := func(t *testing.T, query string) (int, map[string]any, time.Duration) {
		t.Helper()
		start := time.Now()
		resp, err := http.Get(hs.URL + "/v1/orders/" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		return resp.StatusCode, out, time.Since(start)
	}
	tests := []struct {
		name       string
		query      string
		bump       bool // raise the version to 2 after 50 ms
		wantStatus int
		want       string // the version, or the error reason
		minElapsed time.Duration
	}{
		{"plain read", "SN1", false, 200, "1", 0},
		{"change while waiting", "SN1?min_version=2&wait_ms=5000", true, 200, "2", 50 * time.Millisecond},
		{"timeout answers the order as it is", "SN1?min_version=3&wait_ms=100", false, 200, "1", 100 * time.Millisecond},
		{"unknown order at once", "NOPE?min_version=2&wait_ms=5000", false, 404, "ORDER_NOT_FOUND", 0},
		{"wait_ms too large", "SN1?min_version=2&wait_ms=30001", false, 400, "INVALID_ARGUMENT", 0},
		{"negative min_version", "SN1?min_version=-1&wait_ms=100", false, 400, "INVALID_ARGUMENT", 0},
		{"wait_ms not a number", "SN1?min_version=2&wait_ms=soon", false, 400, "INVALID_ARGUMENT", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			version.Store(1)
			if tc.bump {
				timer := time.AfterFunc(50*time.Millisecond, func() { version.Store(2) })
				defer timer.Stop()
			}
			status, out, elapsed := get(t, tc.query)
			got := fmt.Sprint(out["version"])
			if status != 200 {
				got = fmt.Sprint(out["reason"])
			}
			if status != tc.wantStatus || got != tc.want {
				t.Fatalf("%d %v, want %d %s", status, out, tc.wantStatus, tc.want)
			}
			if elapsed < tc.minElapsed || elapsed > 4*time.Second {
				t.Fatalf("answered after %v, want at least %v and well before the wait", elapsed, tc.minElapsed)
			}
		})
	}
}
