//go:build e2e

package e2e

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// The reaper (Ryuk) is off, so a run that does not reach its cleanups
// (Ctrl-C, or -timeout, which panics the test binary) would leave its
// containers behind. reapOnExit covers those two cases; the label
// testcontainers puts on everything a test process creates says which
// containers and networks are this run's.

// sessionLabel is the label testcontainers gives each container and
// network it creates, with testcontainers.SessionID() as its value.
const sessionLabel = "org.testcontainers.sessionId"

// reapOnExit removes this run's containers and networks, and exits, when
// the process gets SIGINT or SIGTERM, or 30s before -test.timeout would
// end it (after printing every goroutine's stack, as the timeout would).
func reapOnExit() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	var deadline <-chan time.Time
	if f := flag.Lookup("test.timeout"); f != nil {
		if d, ok := f.Value.(flag.Getter).Get().(time.Duration); ok && d > time.Minute {
			deadline = time.After(d - 30*time.Second)
		}
	}
	go func() {
		select {
		case s := <-sig:
			fmt.Fprintf(os.Stderr, "e2e: %v: removing this run's containers\n", s)
		case <-deadline:
			fmt.Fprintln(os.Stderr, "e2e: FAIL: the run is about to exceed -timeout; removing its containers. Goroutines:")
			_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
		}
		if err := removeSession(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
		}
		os.Exit(1)
	}()
}

// removeSession removes every container (with its anonymous volumes) and
// network of this process's testcontainers session.
func removeSession() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	mine := client.Filters{}.Add("label", sessionLabel+"="+testcontainers.SessionID())
	ctrs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: mine})
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range ctrs.Items {
		if _, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			errs = append(errs, err)
		}
	}
	nws, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: mine})
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, n := range nws.Items {
		if _, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
