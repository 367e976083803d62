package saga

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// proc is a child process whose output goes to a log file. It may be
// started again after it stopped (a restart appends to the same log).
type proc struct {
	name    string
	bin     string
	args    []string
	env     []string // added to os.Environ()
	logPath string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when the current run has exited
	err  error         // the current run's exit error
}

// start starts the process with extraEnv added to its environment for
// this run only.
func (p *proc) start(extraEnv ...string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil && !isClosed(p.done) {
		return fmt.Errorf("%s is already running", p.name)
	}
	f, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(f, "=== %s: start %s %s (env %s)\n", time.Now().Format(time.RFC3339Nano), p.bin,
		strings.Join(p.args, " "), strings.Join(append(append([]string(nil), p.env...), extraEnv...), " "))
	cmd := exec.Command(p.bin, p.args...)
	cmd.Dir = repoRoot
	// SAGASHOP_* of the developer's shell (SAGASHOP_FAULT!) must not leak in.
	cmd.Env = append(append(envWithout(os.Environ(), "SAGASHOP_"), p.env...), extraEnv...)
	cmd.Stdout, cmd.Stderr = f, f
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		f.Close()
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	done := make(chan struct{})
	p.cmd, p.done, p.err = cmd, done, nil
	go func() {
		err := cmd.Wait()
		fmt.Fprintf(f, "=== %s: exited: %v\n", time.Now().Format(time.RFC3339Nano), exitText(err))
		f.Close()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(done)
	}()
	return nil
}

func exitText(err error) string {
	if err == nil {
		return "status 0"
	}
	return err.Error()
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// running reports whether the current run has not exited.
func (p *proc) running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd != nil && !isClosed(p.done)
}

// exited returns a channel closed when the current run exits (nil when it
// never started).
func (p *proc) exited() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done
}

// exitErr returns the current run's exit error (nil while it runs or
// after a clean exit).
func (p *proc) exitErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// signal sends sig to the running process.
func (p *proc) signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || isClosed(p.done) {
		return fmt.Errorf("%s is not running", p.name)
	}
	return p.cmd.Process.Signal(sig)
}

// wait waits up to d for the current run to exit.
func (p *proc) wait(d time.Duration) bool {
	done := p.exited()
	if done == nil {
		return true
	}
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// kill sends SIGKILL and waits for the exit.
func (p *proc) kill() {
	if p.signal(syscall.SIGKILL) == nil {
		p.wait(30 * time.Second)
	}
}

// stop asks the process to stop with SIGTERM (SIGCONT first, should it be
// stopped) and kills it after grace.
func (p *proc) stop(grace time.Duration) error {
	if !p.running() {
		return nil
	}
	_ = p.signal(syscall.SIGCONT)
	if err := p.signal(syscall.SIGTERM); err != nil {
		return nil // it exited meanwhile
	}
	if p.wait(grace) {
		return nil
	}
	p.kill()
	return fmt.Errorf("%s did not stop within %s of SIGTERM; killed", p.name, grace)
}

// logTail returns the last n lines of the process log.
func (p *proc) logTail(n int) string {
	return tailFile(p.logPath, n)
}

func tailFile(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > 2*n {
			lines = append(lines[:0], lines[len(lines)-n:]...)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// logDir returns the directory for the test's process logs: under
// SAGASHOP_SAGA_LOG_DIR when set (kept), else in t.TempDir.
func logDir(t *testing.T) string {
	t.Helper()
	base := os.Getenv("SAGASHOP_SAGA_LOG_DIR")
	if base == "" {
		return t.TempDir()
	}
	dir := filepath.Join(base, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("log dir: %v", err)
	}
	return dir
}

var (
	portsMu sync.Mutex
	given   = map[int]bool{}
)

// freePort returns a loopback port nothing listens on, never the same one
// twice in this process.
func freePort(t testing.TB) int {
	t.Helper()
	portsMu.Lock()
	defer portsMu.Unlock()
	for range 100 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("free port: %v", err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if !given[port] {
			given[port] = true
			return port
		}
	}
	t.Fatal("free port: no new port in 100 tries")
	return 0
}

// waitHealthy polls GET url/healthz until it answers 200, p exits, or d
// passes.
func waitHealthy(ctx context.Context, p *proc, url string, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	hc := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/healthz", nil)
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.exited():
			return fmt.Errorf("%s exited before %s/healthz answered", p.name, url)
		case <-ctx.Done():
			return fmt.Errorf("%s/healthz did not answer 200 within %s (last error %v)", url, d, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// envWithout drops the variables with the given prefix from env.
func envWithout(env []string, prefix string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, prefix) {
			out = append(out, kv)
		}
	}
	return out
}
