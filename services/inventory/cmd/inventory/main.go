// Command inventory runs the inventory service: its HTTP (8002) and gRPC
// (9002) APIs and its consumer of order:created, order:paid and
// order:cancelled.
//
//	inventory -conf services/inventory/configs/config.yaml
//
// SAGASHOP_* environment variables override the placeholders of the
// configuration; SIGINT or SIGTERM stops it gracefully.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/go-kratos/kratos/v2/log"

	"github.com/sagashop/sagashop/pkg/messaging"
	"github.com/sagashop/sagashop/services/inventory/app"
)

func main() {
	os.Exit(run())
}

func run() int {
	confPath := flag.String("conf", "services/inventory/configs/config.yaml", "configuration file (YAML)")
	flag.Parse()
	doc, err := os.ReadFile(*confPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "inventory: %v\n", err)
		return 2
	}
	logger := log.With(log.NewStdLogger(os.Stdout), "ts", log.DefaultTimestamp, "caller", log.DefaultCaller)
	messaging.SetClientLogLevel("warn")
	a, cleanup, err := app.New(app.Options{Config: doc, UseEnv: true, Logger: logger})
	if err != nil {
		fmt.Fprintf(os.Stderr, "inventory: %v\n", err)
		return 1
	}
	defer cleanup()
	if err := a.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "inventory: %v\n", err)
		return 1
	}
	return 0
}
