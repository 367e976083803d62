//go:build e2e

// Package e2e runs the whole shop as containers with testcontainers-go:
// MariaDB (or MySQL), Redis, `mqd namesrv`, `mqd broker` and the order,
// inventory and payment services on one Docker network, reaching each
// other by network alias as in docker-compose.yml. The test process drives
// them through their HTTP APIs on the mapped ports (shopapi), restarts,
// pauses and replaces containers, and ends every scenario with verify.Run.
//
// The images come from the variables docker-compose.yml uses (MYSQL_IMAGE,
// REDIS_IMAGE, MQD_IMAGE, ORDER_IMAGE, INVENTORY_IMAGE, PAYMENT_IMAGE),
// defaulting to the public and compose images. Nothing is pulled by
// surprise: TestMain checks that Docker answers and that every image is
// present, and fails (CI=true) or skips the suite when not. The
// testcontainers reaper (Ryuk) is disabled, since its image cannot be
// pulled on a machine without a registry; every container and the network
// are removed by the tests' cleanups instead.
//
//	go test -tags e2e -count=1 -timeout 30m ./tests/e2e/
//	E2E_LOG_DIR=/tmp/e2e-logs go test -tags e2e ...   # keep every container log
package e2e

import (
	"context"
	"flag"
	"fmt"
	"io"
	stdlog "log"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
)

// ryukEnv disables the testcontainers reaper. It must be exactly "true":
// "1" or "TRUE" leave the reaper on, and its image cannot be pulled here.
const ryukEnv = "TESTCONTAINERS_RYUK_DISABLED"

// tcLogger receives testcontainers' own messages (testcontainersLogger).
var tcLogger tclog.Logger = tclog.NewNoopLogger()

// skipReason, when not empty, is why the suite cannot run on this machine
// (no Docker, an image missing) and CI is not set: the tests skip.
var skipReason string

// repoRoot is the repository's root directory (the tests run in tests/e2e).
var repoRoot = func() string {
	abs, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return filepath.Join("..", "..")
	}
	return abs
}()

// inCI reports whether CI=true: then a suite that cannot run fails.
func inCI() bool { return os.Getenv("CI") == "true" }

// TestMain disables the reaper before any testcontainers call, checks
// Docker and the images, and fails fast (CI=true) or records why the
// tests skip. When the suite runs, reapOnExit covers interrupted runs.
func TestMain(m *testing.M) {
	flag.Parse()
	if err := disableRyuk(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: FAIL:", err)
		os.Exit(1)
	}
	tcLogger = testcontainersLogger()
	tclog.SetDefault(tcLogger)
	if !testing.Short() {
		switch err := checkDocker(); {
		case err == nil:
			reapOnExit()
		case inCI():
			fmt.Fprintf(os.Stderr, "e2e: FAIL (CI=true): %v\n", err)
			os.Exit(1)
		default:
			skipReason = err.Error()
		}
	}
	os.Exit(m.Run())
}

// disableRyuk sets TESTCONTAINERS_RYUK_DISABLED=true when it is unset and
// refuses any other value.
func disableRyuk() error {
	v, ok := os.LookupEnv(ryukEnv)
	if !ok || v == "" {
		return os.Setenv(ryukEnv, "true")
	}
	if v != "true" {
		return fmt.Errorf("%s=%q: the suite needs exactly %s=true (other values leave the reaper on, and its image cannot be pulled without a registry)", ryukEnv, v, ryukEnv)
	}
	return nil
}

// checkDocker checks that the Docker daemon answers and that every image
// of the suite is present locally, naming each missing one.
func checkDocker() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return fmt.Errorf("docker does not answer: %w", err)
	}
	defer cli.Close()
	if _, err := cli.Ping(ctx, client.PingOptions{}); err != nil {
		return fmt.Errorf("docker does not answer: %w", err)
	}
	setPublishedHost(ctx, cli)
	var missing []string
	for _, img := range images {
		name := img.name()
		if _, err := cli.ImageInspect(ctx, name); err != nil {
			missing = append(missing, fmt.Sprintf("%s=%s (%v)", img.env, name, err))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%d image(s) missing locally:\n  %s\n"+
			"build them (`docker compose build` and `docker pull mysql:8.4 redis:7`, or deploy/ci/build-images.sh and `set -a; . deploy/ci/images.env; set +a`)",
			len(missing), strings.Join(missing, "\n  "))
	}
	return nil
}

// requireSuite skips the test under -short or when TestMain found the
// machine unable to run the suite (CI unset).
func requireSuite(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("the e2e suite starts containers; skipped with -short")
	}
	if skipReason != "" {
		t.Skip("e2e: " + skipReason)
	}
}

// testcontainersLogger is where testcontainers' own messages go: a file
// in E2E_LOG_DIR when it is set, else nowhere (they drown the test output).
func testcontainersLogger() tclog.Logger {
	dir := os.Getenv("E2E_LOG_DIR")
	if dir == "" {
		return tclog.NewNoopLogger()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return stdlog.New(os.Stderr, "testcontainers: ", stdlog.LstdFlags)
	}
	f, err := os.OpenFile(filepath.Join(dir, "testcontainers.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return stdlog.New(io.Discard, "", 0)
	}
	return stdlog.New(f, "", stdlog.LstdFlags|stdlog.Lmicroseconds)
}
