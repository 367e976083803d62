// Command payment runs the payment service: its HTTP (8003) and gRPC
// (9003) APIs and its consumer of order:cancelled.
//
//	payment -conf services/payment/configs/config.yaml
//	payment -healthcheck 127.0.0.1:8003
//
// SAGASHOP_* environment variables override the placeholders of the
// configuration; SIGINT or SIGTERM stops it gracefully.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"
	_ "time/tzdata" // zoneinfo for images without /usr/share/zoneinfo (FROM scratch)

	"github.com/go-kratos/kratos/v2/log"

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
		return healthcheck(*health)
	}
	doc, err := os.ReadFile(*confPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "payment: %v\n", err)
		return 2
	}
	logger := log.With(log.NewStdLogger(os.Stdout), "ts", log.DefaultTimestamp, "caller", log.DefaultCaller)
	messaging.SetClientLogLevel("warn")
	a, cleanup, err := app.New(app.Options{Config: doc, UseEnv: true, Logger: logger})
	if err != nil {
		fmt.Fprintf(os.Stderr, "payment: %v\n", err)
		return 1
	}
	defer cleanup()
	if err := a.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "payment: %v\n", err)
		return 1
	}
	return 0
}

// healthcheck asks the HTTP server at addr for /healthz (container health
// checks run it: images have no curl).
func healthcheck(addr string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
	if err != nil {
		fmt.Fprintf(os.Stderr, "healthcheck: %v\n", err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(os.Stderr, "healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(os.Stderr, "healthcheck: %s\n", resp.Status)
		return 1
	}
	return 0
}
