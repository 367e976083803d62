// Command order runs the order service.
//
//	order -conf services/order/configs/config.yaml
//	order -healthcheck 127.0.0.1:8001
//
// SAGASHOP_* environment variables override the config's placeholders.
// SAGASHOP_FAULT (test only) is a comma-separated list of fault points
// ("order.before_local_commit", "order.after_local_commit"): when CreateOrder
// reaches one, the process kills itself with SIGKILL.
//
// SAGASHOP_DEBUG_ADDR (for example 127.0.0.1:6061) serves Go's profiler
// under /debug/pprof/ on that address.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // zoneinfo for images without /usr/share/zoneinfo (FROM scratch)

	"github.com/go-kratos/kratos/v2/log"

	"github.com/sagashop/sagashop/pkg/kit"
	"github.com/sagashop/sagashop/pkg/messaging"
	"github.com/sagashop/sagashop/services/order/app"
)

func main() {
	os.Exit(run())
}

func run() int {
	confPath := flag.String("conf", "services/order/configs/config.yaml", "config file (YAML)")
	health := flag.String("healthcheck", "", "check GET http://ADDR/healthz and exit 0 when it answers 200")
	flag.Parse()
	if *health != "" {
		if err := kit.Healthcheck(*health, 3*time.Second); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	}
	logger := log.With(log.NewStdLogger(os.Stdout), "ts", log.DefaultTimestamp, "service", "order")
	doc, err := os.ReadFile(*confPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "order: %v\n", err)
		return 2
	}
	// kratos' own packages and the RocketMQ client log through
	// process-wide loggers; send both to this one.
	log.SetLogger(logger)
	messaging.SetClientLogger(logger, "warn")
	a, cleanup, err := app.New(app.Options{
		Config: doc, UseEnv: true, Logger: logger, Fault: faults(os.Getenv("SAGASHOP_FAULT"), logger),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "order: %v\n", err)
		return 1
	}
	defer cleanup()
	stopDebug, err := kit.StartDebugFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "order: %v\n", err)
		return 1
	}
	defer func() { _ = stopDebug() }()
	if err := a.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "order: %v\n", err)
		return 1
	}
	return 0
}

// faults returns the fault hook for the comma-separated point names in
// spec: reaching one kills the process at once (no deferred code, no
// graceful stop), as a crash would. nil when spec names none.
func faults(spec string, logger log.Logger) func(point string) {
	points := map[string]bool{}
	for _, p := range strings.Split(spec, ",") {
		if p = strings.TrimSpace(p); p != "" {
			points[p] = true
		}
	}
	if len(points) == 0 {
		return nil
	}
	_ = logger.Log(log.LevelWarn, "msg", "fault points armed", "points", spec)
	return func(point string) {
		if !points[point] {
			return
		}
		_ = logger.Log(log.LevelWarn, "msg", "fault point reached: SIGKILL", "point", point)
		if os.Getpid() == 1 {
			// PID 1 of a container: the kernel drops signals PID 1 has
			// no handler for, its own SIGKILL included. Exiting at once
			// with SIGKILL's status is the same crash.
			os.Exit(128 + int(syscall.SIGKILL))
		}
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
}
