package embedded

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/go-kratos/kratos/v2"

	inventoryapp "github.com/sagashop/sagashop/services/inventory/app"
	orderapp "github.com/sagashop/sagashop/services/order/app"
	paymentapp "github.com/sagashop/sagashop/services/payment/app"
)

// serviceSpec is how to build one service of the shop.
type serviceSpec struct {
	name      string
	healthURL string
	build     func() (*kratos.App, func(), error)
}

// serviceSpecs returns the three services in start order: inventory
// first (order asks it for prices), then order, then payment (which asks
// order for amounts; a gRPC client that first finds no server backs off
// for a second before it tries again).
func serviceSpecs(o Options, u URLs, paymentTimeout time.Duration) []serviceSpec {
	common := func(name string, httpPort, grpcPort int) string {
		return fmt.Sprintf(`server:
  http: {addr: %q, timeout: 5s}
  grpc: {addr: %q, timeout: 5s}
data:
  database: {driver: sqlite, source: %q, slow_threshold: 500ms}
  redis: {addr: %q}
messaging:
  name_servers: [%q]
  group: %s-service
  producer_group: %s-producer
  send_timeout: 3s
  topic_queues: 4
  max_reconsume_times: 16
`, o.addr(httpPort), o.addr(grpcPort), filepath.Join(o.DataDir, name+".db"), u.Redis, u.Namesrv, name, name)
	}
	inventory := common("inventory", o.InventoryHTTPPort, o.InventoryGRPCPort) + `inventory:
  stock_cache_ttl: 60s
`
	payment := common("payment", o.PaymentHTTPPort, o.PaymentGRPCPort) + fmt.Sprintf(`payment:
  order_grpc: %q
  order_timeout: 3s
`, o.addr(o.OrderGRPCPort))
	order := common("order", o.OrderHTTPPort, o.OrderGRPCPort) + fmt.Sprintf(`  tx_group: order-tx
order:
  payment_timeout: %s
  sweep_interval: %s
  sweep_grace: %s
inventory:
  endpoint: %q
  timeout: 3s
`, paymentTimeout, o.SweepInterval, o.SweepGrace, o.addr(o.InventoryGRPCPort))
	return []serviceSpec{
		{name: "inventory", healthURL: u.Inventory + "/healthz", build: func() (*kratos.App, func(), error) {
			return inventoryapp.New(inventoryapp.Options{Config: []byte(inventory), Logger: o.Logger})
		}},
		{name: "order", healthURL: u.Order + "/healthz", build: func() (*kratos.App, func(), error) {
			return orderapp.New(orderapp.Options{Config: []byte(order), Logger: o.Logger})
		}},
		{name: "payment", healthURL: u.Payment + "/healthz", build: func() (*kratos.App, func(), error) {
			return paymentapp.New(paymentapp.Options{Config: []byte(payment), Logger: o.Logger})
		}},
	}
}
