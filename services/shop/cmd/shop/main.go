// Command shop runs the whole sagashop in one process: the broker, an
// in-process Redis-protocol server and the order, inventory and payment
// services on SQLite. No Docker, no servers to install:
//
//	go run ./services/shop/cmd/shop
//
// It prints the URLs and runs until SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-kratos/kratos/v2/log"

	"github.com/sagashop/sagashop/pkg/kit"
	"github.com/sagashop/sagashop/pkg/messaging"
	"github.com/sagashop/sagashop/services/shop/embedded"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("shop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o embedded.Options
	var logLevel, debugAddr string
	fs.StringVar(&o.DataDir, "data", "data", "`dir` for the broker store and the SQLite files")
	fs.StringVar(&o.DelayLevels, "message-delay-level", embedded.DemoDelayLevels, "the broker's delay `table`; level 16 is the payment timeout")
	fs.StringVar(&o.Host, "host", "127.0.0.1", "`address` every listener binds")
	fs.IntVar(&o.NamesrvPort, "namesrv-port", 9876, "NameServer `port`")
	fs.IntVar(&o.BrokerPort, "broker-port", 10911, "broker `port`")
	fs.IntVar(&o.OrderHTTPPort, "order-http-port", 8001, "order HTTP `port`")
	fs.IntVar(&o.OrderGRPCPort, "order-grpc-port", 9001, "order gRPC `port`")
	fs.IntVar(&o.InventoryHTTPPort, "inventory-http-port", 8002, "inventory HTTP `port`")
	fs.IntVar(&o.InventoryGRPCPort, "inventory-grpc-port", 9002, "inventory gRPC `port`")
	fs.IntVar(&o.PaymentHTTPPort, "payment-http-port", 8003, "payment HTTP `port`")
	fs.IntVar(&o.PaymentGRPCPort, "payment-grpc-port", 9003, "payment gRPC `port`")
	fs.DurationVar(&o.SweepInterval, "sweep-interval", 5*time.Second, "how often the order service looks for overdue unpaid orders")
	fs.DurationVar(&o.SweepGrace, "sweep-grace", 15*time.Second, "how long past its deadline an unpaid order waits for its timeout message before the sweep cancels it")
	fs.StringVar(&logLevel, "log-level", "warn", "service log level: debug, info, warn or error")
	fs.StringVar(&debugAddr, "debug-addr", "", "serve Go's profiler under /debug/pprof/ on this `address` (e.g. 127.0.0.1:6060); off when empty")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "shop: unexpected arguments %q\n", fs.Args())
		return 2
	}
	level := log.ParseLevel(logLevel)
	o.Logger = log.NewFilter(log.With(log.NewStdLogger(stderr), "ts", log.DefaultTimestamp), log.FilterLevel(level))
	// kratos' own packages (config) and the RocketMQ client log through
	// process-wide loggers; send both through the same filter.
	log.SetLogger(o.Logger)
	messaging.SetClientLogger(o.Logger, logLevel)

	if debugAddr != "" {
		d, err := kit.StartDebugServer(debugAddr)
		if err != nil {
			fmt.Fprintln(stderr, "shop:", err)
			return 1
		}
		defer func() { _ = d.Close() }()
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	shop, err := embedded.Start(ctx, o)
	if err != nil {
		fmt.Fprintln(stderr, "shop:", err)
		return 1
	}
	u := shop.URLs
	fmt.Fprintf(stdout, `sagashop is running (data in %s; payment timeout %s)
  order       %s   (POST /v1/orders, GET /v1/orders/{order_sn})
  inventory   %s   (GET /v1/products, GET /v1/inventory/{sku})
  payment     %s   (POST /v1/payments, GET /v1/payments?order_sn=)
  nameserver  %s
  broker      %s
  redis       %s   (in-process)
Press Ctrl-C to stop.
`, o.DataDir, shop.PaymentTimeout, u.Order, u.Inventory, u.Payment, u.Namesrv, u.Broker, u.Redis)
	<-ctx.Done()
	fmt.Fprintln(stdout, "shop: stopping")
	if err := shop.Close(); err != nil {
		fmt.Fprintln(stderr, "shop:", err)
		return 1
	}
	fmt.Fprintln(stdout, "shop: stopped")
	return 0
}
