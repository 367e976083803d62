package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	kerrors "github.com/go-kratos/kratos/v2/errors"
	khttp "github.com/go-kratos/kratos/v2/transport/http"
	"github.com/redis/go-redis/v9"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/sagashop/sagashop/pkg/db/dbtest"
	"github.com/sagashop/sagashop/pkg/idemkey"
	"github.com/sagashop/sagashop/pkg/kit"
	v1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
	"github.com/sagashop/sagashop/services/inventory/internal/conf"
	"github.com/sagashop/sagashop/services/inventory/internal/data"
	"github.com/sagashop/sagashop/services/inventory/internal/service"
)

// startServers runs the HTTP and gRPC servers over SQLite and miniredis,
// wired as app.New wires them (without the broker), and returns the HTTP
// base URL and a gRPC client.
func startServers(t *testing.T) (string, v1.InventoryClient) {
	t.Helper()
	gdb := dbtest.SQLite(t, data.Migrations())
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	d := data.NewData(gdb, rdb, nil)
	cache := data.NewStockCache(rdb, 0, nil)
	uc, err := biz.NewUsecase(biz.Options{
		Tx: d.Tx(), Products: data.NewProductRepo(d), Stocks: data.NewStockRepo(d, cache), Cache: cache,
		Reservations: data.NewReservationRepo(d), Dedup: data.NewDeduper(d, data.ConsumerGroup),
		Events: data.NewPublisher(d, nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := service.NewInventoryService(uc)
	c := &conf.Server{
		Http: &conf.Server_HTTP{Addr: "127.0.0.1:0", Timeout: durationpb.New(5 * time.Second)},
		Grpc: &conf.Server_GRPC{Addr: "127.0.0.1:0", Timeout: durationpb.New(5 * time.Second)},
	}
	hs := NewHTTPServer(c, svc, []khttp.FilterFunc{idemkey.Filter(idemkey.Options{Redis: rdb, Prefix: "idem:inventory"})}, nil)
	gs := NewGRPCServer(c, svc, nil)
	hurl, err := hs.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	gurl, err := gs.Endpoint()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	go func() { _ = hs.Start(ctx) }()
	go func() { _ = gs.Start(ctx) }()
	t.Cleanup(func() { _ = hs.Stop(ctx); _ = gs.Stop(ctx) })
	conn, err := kit.DialGRPC(ctx, gurl.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return "http://" + hurl.Host, v1.NewInventoryClient(conn)
}

type reply struct {
	code   int
	body   map[string]any
	header http.Header
}

func call(t *testing.T, method, url, body string, header map[string]string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s %s: %d %q is not JSON", method, url, resp.StatusCode, raw)
	}
	return reply{code: resp.StatusCode, body: m, header: resp.Header}
}

func TestHTTP(t *testing.T) {
	base, _ := startServers(t)
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		code   int
		reason string
		check  func(t *testing.T, m map[string]any)
	}{
		{name: "products", method: "GET", path: "/v1/products", code: 200, check: func(t *testing.T, m map[string]any) {
			ps := m["products"].([]any)
			p := ps[0].(map[string]any)
			if len(ps) != 10 || p["sku"] != "SKU-BOTTLE" || p["price"] != 2999.0 || p["available"] != 100.0 {
				t.Fatalf("products %v", m)
			}
		}},
		{name: "stock", method: "GET", path: "/v1/inventory/SKU-LIMITED", code: 200, check: func(t *testing.T, m map[string]any) {
			if m["total"] != 10.0 || m["available"] != 10.0 || m["reserved"] != 0.0 || m["sold"] != 0.0 || m["version"] != 1.0 {
				t.Fatalf("stock %v", m)
			}
		}},
		{name: "stocks", method: "GET", path: "/v1/inventory", code: 200, check: func(t *testing.T, m map[string]any) {
			if len(m["stocks"].([]any)) != 10 {
				t.Fatalf("stocks %v", m)
			}
		}},
		{name: "restock", method: "POST", path: "/v1/inventory/SKU-LIMITED:restock", body: `{"quantity":5}`, code: 200,
			check: func(t *testing.T, m map[string]any) {
				if m["total"] != 15.0 || m["available"] != 15.0 || m["version"] != 2.0 {
					t.Fatalf("restock %v", m)
				}
			}},
		{name: "reservations empty", method: "GET", path: "/v1/reservations", code: 200, check: func(t *testing.T, m map[string]any) {
			if len(m["reservations"].([]any)) != 0 || m["next_page_token"] != "" {
				t.Fatalf("reservations %v", m)
			}
		}},
		{name: "unknown stock", method: "GET", path: "/v1/inventory/SKU-NOPE", code: 404, reason: "SKU_NOT_FOUND"},
		{name: "restock unknown", method: "POST", path: "/v1/inventory/SKU-NOPE:restock", body: `{"quantity":1}`, code: 404, reason: "SKU_NOT_FOUND"},
		{name: "restock zero", method: "POST", path: "/v1/inventory/SKU-MUG:restock", body: `{"quantity":0}`, code: 400, reason: "INVALID_ARGUMENT"},
		{name: "restock negative", method: "POST", path: "/v1/inventory/SKU-MUG:restock", body: `{"quantity":-1}`, code: 400, reason: "INVALID_ARGUMENT"},
		{name: "restock huge", method: "POST", path: "/v1/inventory/SKU-MUG:restock", body: `{"quantity":1000001}`, code: 400, reason: "INVALID_ARGUMENT"},
		{name: "restock no body", method: "POST", path: "/v1/inventory/SKU-MUG:restock", code: 400, reason: "INVALID_ARGUMENT"},
		{name: "restock malformed", method: "POST", path: "/v1/inventory/SKU-MUG:restock", body: `{"quantity":`, code: 400, reason: "MALFORMED_JSON"},
		{name: "restock unknown field", method: "POST", path: "/v1/inventory/SKU-MUG:restock", body: `{"qty":1}`, code: 400, reason: "MALFORMED_JSON"},
		{name: "restock string", method: "POST", path: "/v1/inventory/SKU-MUG:restock", body: `{"quantity":"x"}`, code: 400, reason: "MALFORMED_JSON"},
		{name: "page size negative", method: "GET", path: "/v1/reservations?page_size=-1", code: 400, reason: "INVALID_ARGUMENT"},
		{name: "page size text", method: "GET", path: "/v1/reservations?page_size=x", code: 400, reason: "INVALID_ARGUMENT"},
		{name: "page token bad", method: "GET", path: "/v1/reservations?page_token=@@", code: 400, reason: "INVALID_ARGUMENT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, tt.method, base+tt.path, tt.body, nil)
			if r.code != tt.code || (tt.reason != "" && r.body["reason"] != tt.reason) {
				t.Fatalf("%d %v, want %d %s", r.code, r.body, tt.code, tt.reason)
			}
			if tt.check != nil {
				tt.check(t, r.body)
			}
		})
	}
}

func TestRestockIdempotencyKey(t *testing.T) {
	base, _ := startServers(t)
	url := base + "/v1/inventory/SKU-MUG:restock"
	key := map[string]string{idemkey.HeaderKey: "restock-1"}
	first := call(t, "POST", url, `{"quantity":3}`, key)
	again := call(t, "POST", url, `{"quantity":3}`, key)
	if first.code != 200 || again.code != 200 || again.header.Get(idemkey.HeaderReplayed) != "true" || again.body["total"] != 103.0 {
		t.Fatalf("first %v, replay %v %v", first, again.code, again.body)
	}
	if other := call(t, "POST", url, `{"quantity":4}`, key); other.code != 422 {
		t.Fatalf("same key, other body: %d %v", other.code, other.body)
	}
	if s := call(t, "GET", base+"/v1/inventory/SKU-MUG", "", nil); s.body["total"] != 103.0 {
		t.Fatalf("restocked twice: %v", s.body)
	}
}

func TestGRPC(t *testing.T) {
	_, client := startServers(t)
	ctx := context.Background()
	rep, err := client.BatchGetProducts(ctx, &v1.BatchGetProductsRequest{Skus: []string{"SKU-TEE", "SKU-MUG", "SKU-TEE"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Products) != 2 || rep.Products[0].Sku != "SKU-TEE" || rep.Products[0].Price != 2499 ||
		rep.Products[1].Name != "Ceramic Coffee Mug" || rep.Products[1].Available != 100 {
		t.Fatalf("BatchGetProducts = %v", rep)
	}
	_, err = client.BatchGetProducts(ctx, &v1.BatchGetProductsRequest{Skus: []string{"SKU-TEE", "SKU-NOPE"}})
	if se := kerrors.FromError(err); !v1.IsUnknownSku(err) || se.Code != 400 || se.Metadata["sku"] != "SKU-NOPE" {
		t.Fatalf("unknown sku: %v", err)
	}
	if _, err := client.GetStock(ctx, &v1.GetStockRequest{Sku: "SKU-NOPE"}); !v1.IsSkuNotFound(err) {
		t.Fatalf("GetStock unknown: %v", err)
	}
}
