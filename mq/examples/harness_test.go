package examples

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	// clientModule is the official client whose examples are run.
	clientModule = "github.com/apache/rocketmq-client-go/v2"
	mqdPackage   = "github.com/sagashop/sagashop/mq/cmd/mqd"
	feedPackage  = "github.com/sagashop/sagashop/mq/examples/internal/feed"

	// dirEnv names a directory to keep binaries, store and logs in (its
	// store and logs are emptied first); by default they go to a temp dir
	// that is removed when the test ends.
	dirEnv = "MQ_EXAMPLES_DIR"

	// testGroup is the consumer group almost every example uses.
	testGroup = "testGroup"
)

// harness is one run of the suite: the binaries, the running mqd and the
// verdicts so far. Steps run one at a time on the test's goroutine; only
// build's workers (under build's mutex) and proc's own goroutines run
// beside it.
type harness struct {
	root      *testing.T // TestExamples
	t         *testing.T // the running step, or root
	began     time.Time
	modRoot   string            // our module's root
	clientDir string            // the client module's directory
	clientVer string            // the client module's version, e.g. v2.1.2
	dir       string            // scratch: bin/, store/, logs/, offsets/
	nonce     string            // makes this run's message bodies unique
	bins      map[string]string // example path, "mqd" or "feed" → binary
	mqd       *proc
	acl       bool // the running mqd checks ACL, so unsigned mqd admin calls are refused
	verdicts  map[string]*verdict
	procs     []*proc
	logSeq    int

	orderlyStopped time.Time // when the last orderly testGroup consumer was killed
}

// verdict is what the suite concluded about one example.
type verdict struct {
	judged   bool     // a step is responsible for it
	ran      bool     // its process was started at least once
	notRun   string   // why it cannot run here
	failures []string // what went wrong
}

func newHarness(t *testing.T) *harness {
	h := &harness{root: t, t: t, began: time.Now(), bins: map[string]string{}, verdicts: map[string]*verdict{}}
	for _, e := range table {
		h.verdicts[e.path] = &verdict{}
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "go.mod")); err != nil || !strings.Contains(string(b), "module github.com/sagashop/sagashop") {
		t.Fatalf("module root %s: no go.mod of github.com/sagashop/sagashop (err %v)", root, err)
	}
	h.modRoot = root
	h.dir = t.TempDir()
	if d := os.Getenv(dirEnv); d != "" {
		h.dir = d
		t.Logf("%s=%s: keeping binaries, store and logs there", dirEnv, d)
		// Start from an empty broker: leftovers of an earlier run (pending
		// half messages, stale requests, committed offsets) would be judged
		// as this run's.
		for _, sub := range []string{"store", "logs", "offsets", "pullfrom-module", "plain_acl.yml"} {
			if err := os.RemoveAll(filepath.Join(d, sub)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, sub := range []string{"bin", "logs", "offsets"} {
		if err := os.MkdirAll(filepath.Join(h.dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	h.nonce = strconv.FormatInt(time.Now().UnixNano()/1e6%(36*36*36*36*36), 36)
	h.clientDir, h.clientVer = h.module(clientModule)
	t.Cleanup(h.stopAll)
	return h
}

// module returns where the go command keeps module mod (downloading it
// if needed) and which version our go.mod selects.
func (h *harness) module(mod string) (dir, version string) {
	for i := 0; i < 2; i++ {
		out, err := h.goCmd(2*time.Minute, h.modRoot, nil, "list", "-m", "-f", "{{.Dir}} {{.Version}}", mod)
		if f := strings.Fields(out); err == nil && len(f) == 2 {
			return f[0], f[1]
		}
		h.goCmd(5*time.Minute, h.modRoot, nil, "mod", "download", mod)
	}
	h.root.Fatalf("cannot find the source of %s in the module cache", mod)
	return "", ""
}

// goCmd runs the go command in dir and returns its combined output.
func (h *harness) goCmd(d time.Duration, dir string, env []string, args ...string) (string, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, gobin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	b, err := cmd.CombinedOutput()
	if err != nil {
		return string(b), fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, b)
	}
	return string(b), nil
}

// binName is the file an example is built to.
func binName(path string) string { return strings.ReplaceAll(path, "/", "_") }

// build builds mqd, the feeder and every example (without the race
// detector: it would only slow the examples down and report the client's
// own races). pull_from is built by its step, in a module of its own.
func (h *harness) build() {
	type job struct{ name, pkg string }
	jobs := []job{{"mqd", mqdPackage}, {"feed", feedPackage}}
	for _, e := range table {
		if e.path != "consumer/pull/pull_from" {
			jobs = append(jobs, job{e.path, clientModule + "/examples/" + e.path})
		}
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs = map[string]error{}
		sem  = make(chan struct{}, max(2, min(runtime.NumCPU(), 8)))
	)
	start := time.Now()
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out := filepath.Join(h.dir, "bin", binName(j.name))
			_, err := h.goCmd(5*time.Minute, h.modRoot, nil, "build", "-o", out, j.pkg)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs[j.name] = err
				return
			}
			h.bins[j.name] = out
		}()
	}
	wg.Wait()
	h.root.Logf("built mqd, the feeder and %d examples in %.1f s", len(jobs)-2, time.Since(start).Seconds())
	for _, name := range []string{"mqd", "feed"} {
		if err := errs[name]; err != nil {
			h.root.Fatalf("build %s: %v", name, err)
		}
	}
	for name, err := range errs {
		h.fail(name, nil, "build failed: %v", err)
	}
}

// fail records that example ex failed and why, and fails the running
// step; with p it also logs the end of what p printed.
func (h *harness) fail(ex string, p *proc, format string, args ...any) {
	h.t.Helper()
	msg := fmt.Sprintf(format, args...)
	if v := h.verdicts[ex]; v != nil {
		v.failures = append(v.failures, msg)
	}
	if p != nil {
		h.t.Errorf("%s: %s\n  %s %s; last lines of its output (all of it in %s):\n%s", ex, msg, p.name, p.exitStatus(), p.logPath, p.tail(25))
		return
	}
	h.t.Errorf("%s: %s", ex, msg)
}

// notRunnable records why ex cannot run here.
func (h *harness) notRunnable(ex, reason string) {
	h.verdicts[ex].notRun = reason
	h.t.Logf("%s: NOT RUN: %s", ex, reason)
}

// env is the environment of every client process: quiet client logs and
// a private local offset store (used by broadcasting consumers).
func (h *harness) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ROCKETMQ_GO_LOG_LEVEL=") && !strings.HasPrefix(kv, "NAMESRV_ADDR=") {
			env = append(env, kv)
		}
	}
	return append(env, "ROCKETMQ_GO_LOG_LEVEL=error",
		"rocketmq.client.localOffsetStoreDir="+filepath.Join(h.dir, "offsets"))
}

// startBin starts a process; the log file is named after name and a
// sequence number. Clients live at most maxLife; the servers (mqd,
// redis-server) as long as the test. It returns nil (and fails the step)
// if it cannot.
func (h *harness) startBin(name, bin string, env []string, args ...string) *proc {
	h.logSeq++
	log := filepath.Join(h.logDir(), fmt.Sprintf("%02d-%s.log", h.logSeq, binName(name)))
	life := maxLife
	if name == "mqd" || name == "redis-server" {
		life = 0
	}
	p, err := startProc(name, bin, args, env, log, life)
	if err != nil {
		h.t.Errorf("%s: %v", name, err)
		return nil
	}
	h.procs = append(h.procs, p)
	return p
}

// start starts example ex. It returns nil if ex was not built (its
// failure is already recorded).
func (h *harness) start(ex string) *proc {
	bin, ok := h.bins[ex]
	if !ok {
		h.fail(ex, nil, "not started: its binary was not built")
		return nil
	}
	p := h.startBin(ex, bin, h.env())
	if p != nil {
		h.verdicts[ex].ran = true
	}
	return p
}

// run starts example ex and waits up to d for it to exit by itself.
func (h *harness) run(ex string, d time.Duration) (p *proc, exited bool) {
	p = h.start(ex)
	if p == nil {
		return nil, false
	}
	return p, p.waitExit(d)
}

// stopAll kills every process the suite started (idempotent).
func (h *harness) stopAll() {
	for _, p := range h.procs {
		p.stop()
	}
}

// marker returns a body prefix unique to this run and what.
func (h *harness) marker(what string) string { return "h" + h.nonce + "-" + what }

// sleep pauses the suite, saying why when it is long enough to notice.
func (h *harness) sleep(d time.Duration, why string) {
	if d >= 5*time.Second {
		h.t.Logf("waiting %.0f s: %s", d.Seconds(), why)
	}
	time.Sleep(d)
}
