package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/rlog"
)

const (
	// thisPackage is rebuilt without the race detector for the child
	// process of a -race run (see clusterhost_test.go).
	thisPackage = "github.com/sagashop/sagashop/mq/integration"
	// mqdPackage is built once for the process variant of every test.
	mqdPackage = "github.com/sagashop/sagashop/mq/cmd/mqd"
	// clientLogEnv sets the client's log level (default "error"), for
	// debugging: MQ_INTEGRATION_CLIENT_LOG=info.
	clientLogEnv = "MQ_INTEGRATION_CLIENT_LOG"
)

var (
	binDir string // removed when the tests end

	mqdOnce sync.Once
	mqdBin  string
	mqdErr  error
)

// TestMain runs the tests. Under -race it does not run them itself: it
// hosts the in-process clusters and runs the tests in a child built
// without the race detector (see clusterhost_test.go). Started with
// txChildEnv set, it is a test's transaction producer instead
// (txchild_test.go).
func TestMain(m *testing.M) {
	if spec := os.Getenv(txChildEnv); spec != "" {
		os.Exit(runTxChild(spec))
	}
	level := os.Getenv(clientLogEnv)
	if level == "" {
		level = "error" // the client logs every rebalance and reconnect at info
	}
	rlog.SetLogLevel(level)
	dir, err := os.MkdirTemp("", "mq-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration: temp dir:", err)
		os.Exit(1)
	}
	binDir = dir
	var code int
	if raceEnabled && os.Getenv(clusterHostEnv) == "" {
		code = hostClusters(os.Args[1:])
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// goBinary is the go command that runs these tests.
func goBinary() string {
	if b, err := exec.LookPath("go"); err == nil {
		return b
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// goBuild runs the go command with args and returns its output on error.
func goBuild(args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	b, err := exec.CommandContext(ctx, goBinary(), args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("go %v: %w\n%s", args, err, b)
	}
	return nil
}

// mqdBinary builds mqd on first use; a build failure fails every process
// variant with the compiler's output rather than skipping it.
func mqdBinary(t *testing.T) string {
	t.Helper()
	mqdOnce.Do(func() {
		out := filepath.Join(binDir, "mqd")
		if mqdErr = goBuild("build", "-o", out, mqdPackage); mqdErr == nil {
			mqdBin = out
		}
	})
	if mqdErr != nil {
		t.Fatal(mqdErr)
	}
	return mqdBin
}
