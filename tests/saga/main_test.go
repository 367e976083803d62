// Package saga is the whole-saga integration suite: it runs the order,
// inventory and payment services as child processes against a broker
// started in this process, drives them through their HTTP APIs (shopapi),
// re-sends raw messages with mq/admin, and ends every scenario with
// verify.Run.
//
// Every scenario runs in two flavors: "embedded" (SQLite files, an
// in-process Redis-protocol server) and "mariadb" (the servers named by
// SAGASHOP_TEST_MYSQL_DSN and SAGASHOP_TEST_REDIS_ADDR; skipped when they
// are unset unless CI=true). `go test -short` skips the suite.
//
// The official RocketMQ client has data races of its own, so the services
// are built once per run WITHOUT the race detector (TestMain) and run as
// processes; this package only runs the broker (our code, race-clean), HTTP
// calls and mq/admin. SAGASHOP_SAGA_LOG_DIR keeps every process log of the
// run in that directory; otherwise logs live in the test's temp dir and
// the tail of each is printed when a test fails.
package saga

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// module is the module path; the binaries are built from it.
const module = "github.com/sagashop/sagashop"

// The binaries this suite runs, by name: the three services and the
// embedded shop.
var services = []string{"inventory", "order", "payment"}

// binaries holds the result of the builds done by TestMain.
var binaries struct {
	dir      string
	services map[string]string // name -> path
	err      error             // building the services failed
	shop     string
	shopErr  error // building the embedded shop failed
}

// repoRoot is the repository's root directory (the test runs in
// tests/saga).
var repoRoot = func() string {
	abs, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return filepath.Join("..", "..")
	}
	return abs
}()

// TestMain builds the binaries once (without -race), runs the tests and
// removes the binaries.
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "sagashop-saga-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "saga: temp dir:", err)
		os.Exit(1)
	}
	binaries.dir = dir
	buildBinaries(dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildBinaries builds the three services in one go build and the shop in
// another, recording failures for the tests to report.
func buildBinaries(dir string) {
	start := time.Now()
	pkgs := make([]string, 0, len(services))
	binaries.services = map[string]string{}
	for _, s := range services {
		pkgs = append(pkgs, module+"/services/"+s+"/cmd/"+s)
		binaries.services[s] = filepath.Join(dir, s)
	}
	binaries.err = goBuild(dir, pkgs...)
	binaries.shop = filepath.Join(dir, "shop")
	binaries.shopErr = goBuild(dir, module+"/services/shop/cmd/shop")
	if testing.Verbose() {
		fmt.Fprintf(os.Stderr, "saga: built the binaries in %s\n", time.Since(start).Round(time.Millisecond))
	}
}

// goBuild builds pkgs into dir without the race detector.
func goBuild(dir string, pkgs ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	args := append([]string{"build", "-race=false", "-o", dir + string(filepath.Separator)}, pkgs...)
	cmd := exec.CommandContext(ctx, goCommand(), args...)
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %v: %w\n%s", args, err, out)
	}
	return nil
}

// goCommand is the go command that runs these tests.
func goCommand() string {
	if b, err := exec.LookPath("go"); err == nil {
		return b
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// serviceBinary returns the path of a service's binary, failing the test
// when the build failed.
func serviceBinary(t testing.TB, name string) string {
	t.Helper()
	if binaries.err != nil {
		t.Fatalf("building the services failed: %v", binaries.err)
	}
	return binaries.services[name]
}

// skipShort skips the calling test under -short.
func skipShort(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("the saga suite runs processes and waits for timeouts; skipped with -short")
	}
}
