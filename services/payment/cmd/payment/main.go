// Command payment runs the payment service: its HTTP (8003) and gRPC
// (9003) APIs and its consumer of order:cancelled.
//
//	payment -conf services/payment/configs/config.yaml
//	payment -healthcheck 127.0.0.1:8003
//
// SAGASHOP_* environment variables override the placeholders of the
// configuration; SIGINT or SIGTERM stops it gracefully.
//
// SAGASHOP_DEBUG_ADDR (for example 127.0.0.1:6061) serves Go's profiler
// under /debug/pprof/ on that address.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
	_ "time/tzdata" // zoneinfo for images without /usr/share/zoneinfo (FROM scratch)

	"github.com/go-kratos/kratos/v2/log"

	"github.com/sagashop/sagashop/pkg/kit"
	"github.com/sagashop/sagashop/pkg/messaging"
	"github.com/sagashop/sagashop/services/payment/app"
)

func main() {
	os.Exit(run())
}

func run() int {
	confPath := flag.String("conf", "services/payment/configs/config.yaml", "configuration file (YAML)")
	health := flag.String("healthcheck", "", "check GET http://ADDR/healthz and exit 0 when it answers 200")
	flag.Parse()
	if *health != "" {
		if err := kit.Healthcheck(*health, 3*time.Second); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	}
	doc, err := os.ReadFile(*confPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "payment: %v\n", err)
		return 2
	}
	logger := log.With(log.NewStdLogger(os.Stdout), "ts", log.DefaultTimestamp, "caller", log.DefaultCaller)
	// kratos' own packages and the RocketMQ client log through
	// process-wide loggers; send both to this one.
	log.SetLogger(logger)
	messaging.SetClientLogger(logger, "warn")
	a, cleanup, err := app.New(app.Options{Config: doc, UseEnv: true, Logger: logger})
	if err != nil {
		fmt.Fprintf(os.Stderr, "payment: %v\n", err)
		return 1
	}
	defer cleanup()
	stopDebug, err := kit.StartDebugFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "payment: %v\n", err)
		return 1
	}
	defer func() { _ = stopDebug() }()
	if err := a.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "payment: %v\n", err)
		return 1
	}
	return 0
}
