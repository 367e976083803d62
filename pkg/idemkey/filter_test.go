package idemkey_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/sagashop/sagashop/pkg/idemkey"
)

// eachRedis runs fn against miniredis and, when SAGASHOP_TEST_REDIS_ADDR is
// set, a real server (skipped without it, failed without it when CI=true).
// prefix is unique per run, so runs never see each other's keys.
func eachRedis(t *testing.T, fn func(t *testing.T, rdb redis.UniversalClient, prefix string)) {
	t.Run("miniredis", func(t *testing.T) {
		m := miniredis.RunT(t)
		rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
		t.Cleanup(func() { _ = rdb.Close() })
		fn(t, rdb, "t")
	})
	t.Run("redis", func(t *testing.T) {
		addr := os.Getenv("SAGASHOP_TEST_REDIS_ADDR")
		if addr == "" {
			if os.Getenv("CI") == "true" {
				t.Fatal("SAGASHOP_TEST_REDIS_ADDR is not set and CI=true")
			}
			t.Skip("SAGASHOP_TEST_REDIS_ADDR is not set")
		}
		rdb := redis.NewClient(&redis.Options{Addr: addr})
		t.Cleanup(func() { _ = rdb.Close() })
		var b [6]byte
		_, _ = rand.Read(b[:])
		prefix := "idemkey_test_" + hex.EncodeToString(b[:])
		t.Cleanup(func() {
			ctx := context.Background()
			keys, _ := rdb.Keys(ctx, prefix+":*").Result()
			if len(keys) > 0 {
				rdb.Del(ctx, keys...)
			}
		})
		fn(t, rdb, prefix)
	})
}

// app is the handler behind the filter: it echoes the body it read with a
// call counter; "fail" in the body makes the first call answer 500, "bad"
// answers 400, "block" waits for release.
type app struct {
	calls   atomic.Int32
	entered chan struct{}
	release chan struct{}
}

func newApp() *app { return &app{entered: make(chan struct{}, 10), release: make(chan struct{})} }

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := a.calls.Add(1)
	body, _ := io.ReadAll(r.Body)
	switch {
	case strings.Contains(string(body), "block"):
		a.entered <- struct{}{}
		<-a.release
	case strings.Contains(string(body), "fail") && n == 1:
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	case strings.Contains(string(body), "bad"):
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"code":400,"call":%d}`, n)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"call":%d,"echo":%q}`, n, body)
}

type req struct {
	method, path, key, body string
}

type want struct {
	status   int
	reason   string // of a kratos error body
	body     string // exact body, when not empty
	replayed bool
	calls    int32 // handler calls so far
}

func do(h http.Handler, q req) *httptest.ResponseRecorder {
	method, path := q.method, q.path
	if method == "" {
		method = http.MethodPost
	}
	if path == "" {
		path = "/v1/orders"
	}
	r := httptest.NewRequest(method, path, strings.NewReader(q.body))
	if q.key != "" {
		r.Header.Set(idemkey.HeaderKey, q.key)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func check(t *testing.T, step int, w *httptest.ResponseRecorder, a *app, wt want) {
	t.Helper()
	if w.Code != wt.status {
		t.Fatalf("step %d: status %d (%s), want %d", step, w.Code, w.Body, wt.status)
	}
	if got := w.Header().Get(idemkey.HeaderReplayed) == "true"; got != wt.replayed {
		t.Fatalf("step %d: replayed %v, want %v", step, got, wt.replayed)
	}
	if wt.body != "" && w.Body.String() != wt.body {
		t.Fatalf("step %d: body %s, want %s", step, w.Body, wt.body)
	}
	if wt.reason != "" {
		var e struct {
			Code     int               `json:"code"`
			Reason   string            `json:"reason"`
			Message  string            `json:"message"`
			Metadata map[string]string `json:"metadata"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Reason != wt.reason || e.Code != wt.status || e.Metadata == nil {
			t.Fatalf("step %d: error body %s, want reason %s code %d (%v)", step, w.Body, wt.reason, wt.status, err)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/json" {
			t.Fatalf("step %d: Content-Type %q", step, ct)
		}
	}
	if n := a.calls.Load(); n != wt.calls {
		t.Fatalf("step %d: handler calls %d, want %d", step, n, wt.calls)
	}
}
