package idemkey_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sagashop/sagashop/pkg/idemkey"
)

func TestFilterSequences(t *testing.T) {
	type step struct {
		req  req
		want want
	}
	first := `{"call":1,"echo":"{\"a\":1}"}`
	tests := []struct {
		name  string
		steps []step
	}{
		{name: "first call then replay", steps: []step{
			{req{key: "k1", body: `{"a":1}`}, want{status: 201, body: first, calls: 1}},
			{req{key: "k1", body: `{"a":1}`}, want{status: 201, body: first, replayed: true, calls: 1}},
			{req{key: "k1", body: `{"a":1}`}, want{status: 201, body: first, replayed: true, calls: 1}},
		}},
		{name: "other body is 422", steps: []step{
			{req{key: "k1", body: `{"a":1}`}, want{status: 201, calls: 1}},
			{req{key: "k1", body: `{"a":2}`}, want{status: 422, reason: idemkey.ReasonKeyReused, calls: 1}},
		}},
		{name: "other path is 422", steps: []step{
			{req{key: "k1", body: `{"a":1}`}, want{status: 201, calls: 1}},
			{req{key: "k1", path: "/v1/payments", body: `{"a":1}`}, want{status: 422, reason: idemkey.ReasonKeyReused, calls: 1}},
		}},
		{name: "5xx clears the key", steps: []step{
			{req{key: "k1", body: `fail`}, want{status: 500, calls: 1}},
			{req{key: "k1", body: `fail`}, want{status: 201, body: `{"call":2,"echo":"fail"}`, calls: 2}},
			{req{key: "k1", body: `fail`}, want{status: 201, body: `{"call":2,"echo":"fail"}`, replayed: true, calls: 2}},
		}},
		{name: "4xx is remembered", steps: []step{
			{req{key: "k1", body: `bad`}, want{status: 400, body: `{"code":400,"call":1}`, calls: 1}},
			{req{key: "k1", body: `bad`}, want{status: 400, body: `{"code":400,"call":1}`, replayed: true, calls: 1}},
		}},
		{name: "no header passes through", steps: []step{
			{req{body: `{"a":1}`}, want{status: 201, calls: 1}},
			{req{body: `{"a":1}`}, want{status: 201, body: `{"call":2,"echo":"{\"a\":1}"}`, calls: 2}},
		}},
		{name: "GET passes through", steps: []step{
			{req{method: http.MethodGet, key: "k1"}, want{status: 201, calls: 1}},
			{req{method: http.MethodGet, key: "k1"}, want{status: 201, calls: 2}},
		}},
		{name: "keys are independent", steps: []step{
			{req{key: "k1", body: `{"a":1}`}, want{status: 201, calls: 1}},
			{req{key: "k2", body: `{"a":1}`}, want{status: 201, calls: 2}},
		}},
		{name: "body too large", steps: []step{
			{req{key: "k1", body: strings.Repeat("x", idemkey.MaxBodyBytes+1)}, want{status: 413, reason: idemkey.ReasonTooLarge, calls: 0}},
			{req{key: "k1", body: strings.Repeat("x", idemkey.MaxBodyBytes)}, want{status: 201, calls: 1}},
		}},
		{name: "invalid key", steps: []step{
			{req{key: strings.Repeat("k", idemkey.MaxKeyLen+1), body: "x"}, want{status: 400, reason: idemkey.ReasonInvalidKey, calls: 0}},
			{req{key: "k\x01", body: "x"}, want{status: 400, reason: idemkey.ReasonInvalidKey, calls: 0}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachRedis(t, func(t *testing.T, rdb redis.UniversalClient, prefix string) {
				a := newApp()
				h := idemkey.Filter(idemkey.Options{Redis: rdb, Prefix: prefix})(a)
				for i, s := range tt.steps {
					check(t, i, do(h, s.req), a, s.want)
				}
			})
		})
	}
}

func TestFilterPending(t *testing.T) {
	eachRedis(t, func(t *testing.T, rdb redis.UniversalClient, prefix string) {
		a := newApp()
		h := idemkey.Filter(idemkey.Options{Redis: rdb, Prefix: prefix, PendingTTL: 30 * time.Second})(a)
		done := make(chan struct{})
		go func() {
			defer close(done)
			do(h, req{key: "k", body: "block"})
		}()
		<-a.entered
		w := do(h, req{key: "k", body: "block"})
		check(t, 1, w, a, want{status: 409, reason: idemkey.ReasonKeyInUse, calls: 1})
		if w.Header().Get("Retry-After") == "" {
			t.Fatal("409 without Retry-After")
		}
		check(t, 2, do(h, req{key: "k", body: "other"}), a, want{status: 422, reason: idemkey.ReasonKeyReused, calls: 1})
		// the pending claim expires after PendingTTL, the record after TTL
		if ttl := rdb.PTTL(t.Context(), prefix+":k").Val(); ttl <= 0 || ttl > 30*time.Second {
			t.Fatalf("pending TTL = %v, want (0, 30s]", ttl)
		}
		close(a.release)
		<-done
		if ttl := rdb.PTTL(t.Context(), prefix+":k").Val(); ttl < 23*time.Hour {
			t.Fatalf("done TTL = %v, want ~24h", ttl)
		}
		check(t, 3, do(h, req{key: "k", body: "block"}), a, want{status: 201, replayed: true, calls: 1})
	})
}

func TestFilterPanicReleasesKey(t *testing.T) {
	eachRedis(t, func(t *testing.T, rdb redis.UniversalClient, prefix string) {
		panicked := false
		inner := newApp()
		h := idemkey.Filter(idemkey.Options{Redis: rdb, Prefix: prefix})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !panicked {
				panicked = true
				panic("handler bug")
			}
			inner.ServeHTTP(w, r)
		}))
		func() {
			defer func() { _ = recover() }()
			do(h, req{key: "k", body: "x"})
		}()
		check(t, 1, do(h, req{key: "k", body: "x"}), inner, want{status: 201, calls: 1})
	})
}

func TestFilterRedisDown(t *testing.T) {
	tests := []struct {
		name string
		rdb  redis.UniversalClient
	}{
		{name: "unreachable", rdb: redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})},
		{name: "no client", rdb: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newApp()
			h := idemkey.Filter(idemkey.Options{Redis: tt.rdb})(a)
			check(t, 0, do(h, req{key: "k", body: "x"}), a, want{status: 503, reason: idemkey.ReasonUnavailable, calls: 0})
			check(t, 1, do(h, req{body: "x"}), a, want{status: 201, calls: 1}) // no key: still served
		})
	}
}
