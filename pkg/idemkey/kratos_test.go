package idemkey_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	khttp "github.com/go-kratos/kratos/v2/transport/http"
	"github.com/redis/go-redis/v9"

	"github.com/sagashop/sagashop/pkg/idemkey"
)

// TestFilterInKratosServer mounts the filter on a kratos HTTP server, whose
// request decoder must see the restored body.
func TestFilterInKratosServer(t *testing.T) {
	eachRedis(t, func(t *testing.T, rdb redis.UniversalClient, prefix string) {
		srv := khttp.NewServer(khttp.Filter(idemkey.Filter(idemkey.Options{Redis: rdb, Prefix: prefix})))
		calls := 0
		srv.Route("/").POST("/v1/echo", func(ctx khttp.Context) error {
			calls++
			var in map[string]any
			if err := ctx.Bind(&in); err != nil {
				return err
			}
			in["calls"] = calls
			return ctx.Result(200, in)
		})
		send := func() *httptest.ResponseRecorder {
			r := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/v1/echo", strings.NewReader(`{"sku":"A"}`))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set(idemkey.HeaderKey, "kratos-1")
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			return w
		}
		w1, w2 := send(), send()
		if w1.Code != 200 || !strings.Contains(w1.Body.String(), `"sku":"A"`) {
			t.Fatalf("first: %d %s", w1.Code, w1.Body)
		}
		if w2.Code != 200 || w2.Body.String() != w1.Body.String() || w2.Header().Get(idemkey.HeaderReplayed) != "true" {
			t.Fatalf("replay: %d %s %v", w2.Code, w2.Body, w2.Header())
		}
		if calls != 1 {
			t.Fatalf("calls = %d", calls)
		}
	})
}
