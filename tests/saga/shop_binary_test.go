package saga

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// TestShopBinary runs the embedded shop command (services/shop/cmd/shop:
// broker, Redis-protocol server and the three services in one process, on
// SQLite) on free ports with the scaled delay table, takes one order
// through the happy path, verifies the shop, and stops it with SIGTERM.
func TestShopBinary(t *testing.T) {
	skipShort(t)
	if binaries.shopErr != nil {
		t.Fatalf("building the shop failed: %v", binaries.shopErr)
	}
	ports := map[string]int{}
	for _, name := range []string{"namesrv", "broker", "order-http", "order-grpc", "inventory-http", "inventory-grpc", "payment-http", "payment-grpc"} {
		ports[name] = freePort(t)
	}
	timeout := 20 * time.Second
	args := []string{"-data", filepath.Join(t.TempDir(), "data"),
		"-message-delay-level", shopOptions{timeout: timeout, level16: timeout}.delayTable(),
		"-sweep-interval", sweepInterval.String(), "-sweep-grace", sweepGrace.String(), "-log-level", "info"}
	for name, port := range ports {
		args = append(args, "-"+name+"-port", fmt.Sprint(port))
	}
	logs := logDir(t)
	p := &proc{name: "shop", bin: binaries.shop, args: args, logPath: filepath.Join(logs, "shop.log")}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("---- shop log (last 150 lines of %s) ----\n%s", p.logPath, p.logTail(150))
		}
	})
	if err := p.start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = p.stop(30 * time.Second)
		}
	})
	url := func(svc string) string { return fmt.Sprintf("http://127.0.0.1:%d", ports[svc+"-http"]) }
	for _, svc := range services {
		if err := waitHealthy(context.Background(), p, url(svc), 90*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	api, err := shopapi.New(shopapi.Options{OrderURL: url("order"), InventoryURL: url("inventory"), PaymentURL: url("payment")})
	if err != nil {
		t.Fatal(err)
	}
	stocks, err := api.ListStocks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	initial := map[string]int64{}
	for _, st := range stocks {
		initial[st.SKU] = st.Total
	}
	happyPath(t, api, nil)
	runVerify(t, url("order"), url("inventory"), url("payment"), timeout, initial)

	stopped = true
	if err := p.stop(30 * time.Second); err != nil {
		t.Error(err)
	}
	if err := p.exitErr(); err != nil {
		t.Errorf("shop: SIGTERM ended it with %v, want status 0", err)
	}
	if log := p.logTail(5); !strings.Contains(log, "shop: stopped") {
		t.Errorf("shop did not report a clean stop; log ends:\n%s", log)
	}
}
