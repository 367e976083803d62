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

// mqdPackage is built once into a temporary directory for the process
// variant of every test.
const mqdPackage = "github.com/sagashop/sagashop/mq/cmd/mqd"

var (
	binDir string // removed when the tests end

	mqdOnce sync.Once
	mqdBin  string
	mqdErr  error
)

func TestMain(m *testing.M) {
	// The client logs every reconnect and rebalance at info level.
	rlog.SetLogLevel("error")
	dir, err := os.MkdirTemp("", "mq-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration: temp dir:", err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// mqdBinary builds mqd on first use; a build failure fails every process
// variant with the compiler's output rather than skipping it.
func mqdBinary(t *testing.T) string {
	t.Helper()
	mqdOnce.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		out := filepath.Join(binDir, "mqd")
		cmd := exec.CommandContext(ctx, goBin, "build", "-o", out, mqdPackage)
		b, err := cmd.CombinedOutput()
		if err != nil {
			mqdErr = fmt.Errorf("go build %s: %w\n%s", mqdPackage, err, b)
			return
		}
		mqdBin = out
	})
	if mqdErr != nil {
		t.Fatal(mqdErr)
	}
	return mqdBin
}
