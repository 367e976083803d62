package messaging

// The RocketMQ client v2.1.2 has data races of its own, so a test binary
// built with -race must not run it. Under -race, TestMain runs the tests
// that do not need the client (needClient skips the others), then builds
// this package again without the race detector and runs that binary (the
// child) with the same flags, which runs every test. The child starts its
// own NameServer and Broker in-process with mq/standalone.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const (
	// thisPackage is rebuilt without the race detector for the child.
	thisPackage = "github.com/sagashop/sagashop/pkg/messaging"
	// clientLogEnv sets the client's log level (default "error"), for
	// debugging: SAGASHOP_MESSAGING_CLIENT_LOG=info.
	clientLogEnv = "SAGASHOP_MESSAGING_CLIENT_LOG"
)

func TestMain(m *testing.M) {
	level := os.Getenv(clientLogEnv)
	if level == "" {
		level = "error"
	}
	SetClientLogLevel(level)
	code := m.Run()
	if err := stopCluster(); err != nil {
		fmt.Fprintln(os.Stderr, "messaging: stop test cluster:", err)
		code = max(code, 1)
	}
	if raceEnabled && code == 0 {
		code = runChild(os.Args[1:])
	}
	os.Exit(code)
}

// needClient skips a test that runs the RocketMQ client in a race-enabled
// binary: the child runs it.
func needClient(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("runs the RocketMQ client: run by the child built without -race")
	}
}

// runChild builds this package without the race detector and runs it
// with args, returning the exit code to use.
func runChild(args []string) int {
	dir, err := os.MkdirTemp("", "messaging-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "messaging: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "messaging.test")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	out, err := exec.CommandContext(ctx, goBinary(), "test", "-c", "-race=false", "-o", bin, thisPackage).CombinedOutput()
	cancel()
	if err != nil {
		fmt.Fprintf(os.Stderr, "messaging: building the test child: %v\n%s", err, out)
		return 1
	}
	var childArgs []string
	for _, a := range args {
		// The parent has written its test log; the child must not
		// overwrite it.
		if !strings.HasPrefix(a, "-test.testlogfile=") {
			childArgs = append(childArgs, a)
		}
	}
	fmt.Fprintln(os.Stderr, "messaging: running the tests again without -race, with the RocketMQ client")
	cmd := exec.Command(bin, childArgs...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return max(ee.ExitCode(), 1) // -1 when killed by a signal
	case err != nil:
		fmt.Fprintln(os.Stderr, "messaging: running the test child:", err)
		return 1
	}
	return 0
}

// goBinary is the go command that runs these tests.
func goBinary() string {
	if b, err := exec.LookPath("go"); err == nil {
		return b
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}
