package integration

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/conf"
	"github.com/sagashop/sagashop/mq/standalone"
)

// clusterKind names the two ways a test reaches a broker.
type clusterKind string

const (
	inProcess  clusterKind = "inproc"  // standalone.Start in the test process
	mqdProcess clusterKind = "process" // a separate `mqd standalone`
)

// clusterOptions configure the clusters forEachCluster starts.
type clusterOptions struct {
	// syncFlush selects SYNC_FLUSH; default ASYNC_FLUSH.
	syncFlush bool
	// inMemoryWindow sets broker.Options.InMemoryWindow in process (0 keeps
	// the default). mqd has no flag for it, so the process variant always
	// runs with the default; tests check c.inMemoryRuleOff().
	inMemoryWindow int64
	// only restricts the test to one kind; "" runs both.
	only clusterKind
	// delayLevels sets messageDelayLevel, e.g. "1s 2s 3s"; "" keeps
	// RocketMQ's 18 levels. mqd gets it as -message-delay-level.
	delayLevels string
	// set holds further broker.conf keys and values (for example
	// "transactionCheckInterval": "500"), applied with conf.Broker.Set in
	// process and passed to mqd as -set key=value.
	set map[string]string
	// parallel runs the subtests of forEachCluster in parallel with each
	// other and with the other parallel tests.
	parallel bool
}

// cluster is a running NameServer and Broker with a store directory that
// survives Restart.
type cluster struct {
	kind        clusterKind
	opts        clusterOptions
	dir         string
	NamesrvAddr string
	BrokerAddr  string

	inproc *standalone.Cluster // run by this process
	hostID int                 // run by the race-detecting parent
	proc   *mqdProc
}

// forEachCluster runs fn as a subtest against a fresh in-process cluster
// and a fresh mqd process (or only one of them, per opts.only). The
// cluster is stopped when the subtest ends; the process variant must exit
// 0 on SIGTERM.
func forEachCluster(t *testing.T, opts clusterOptions, fn func(t *testing.T, c *cluster)) {
	t.Helper()
	for _, kind := range []clusterKind{inProcess, mqdProcess} {
		if opts.only != "" && opts.only != kind {
			continue
		}
		t.Run(string(kind), func(t *testing.T) {
			if opts.parallel {
				t.Parallel()
			}
			c := startCluster(t, kind, opts)
			fn(t, c)
		})
	}
}

func startCluster(t *testing.T, kind clusterKind, opts clusterOptions) *cluster {
	t.Helper()
	c := &cluster{kind: kind, opts: opts, dir: t.TempDir()}
	switch kind {
	case inProcess:
		c.startInProcess(t, "127.0.0.1:0", "127.0.0.1:0")
	case mqdProcess:
		c.proc = &mqdProc{bin: mqdBinary(t), dir: c.dir, logPath: filepath.Join(t.TempDir(), "mqd.log"), syncFlush: opts.syncFlush,
			inMemoryWindow: opts.inMemoryWindow, delayLevels: opts.delayLevels, set: opts.set}
		ports := freePorts(t, 2)
		c.proc.nsAddr, c.proc.brAddr = ports[0], ports[1]
		c.NamesrvAddr, c.BrokerAddr = c.proc.nsAddr, c.proc.brAddr
		c.proc.start(t)
	}
	t.Cleanup(func() {
		c.stop(t)
		if t.Failed() && c.proc != nil {
			c.proc.dumpLog(t)
		}
	})
	c.waitRegistered(t)
	return c
}

// waitRegistered waits until the broker has registered with the
// NameServer: the client's auto-create path needs TBW102's route.
func (c *cluster) waitRegistered(t *testing.T) {
	t.Helper()
	waitRoute(t, c, "TBW102", 1)
}

// inMemoryRuleOff reports whether the broker runs with InMemoryWindow < 0,
// i.e. a new group with no committed offset really starts where its
// consumeFromWhere says instead of at offset 0 of a young queue.
func (c *cluster) inMemoryRuleOff() bool {
	return c.opts.inMemoryWindow < 0
}

func (c *cluster) startInProcess(t *testing.T, nsListen, brListen string) {
	t.Helper()
	req := hostStart{Dir: c.dir, NamesrvListen: nsListen, BrokerListen: brListen,
		SyncFlush: c.opts.syncFlush, InMemoryWindow: c.opts.inMemoryWindow, DelayLevels: c.opts.delayLevels, Set: c.opts.set}
	if os.Getenv(clusterHostEnv) != "" {
		var resp hostStarted
		if err := hostCall("/start", req, &resp); err != nil {
			t.Fatalf("asking the race-detecting parent for a cluster: %v", err)
		}
		if resp.Error != "" {
			t.Fatalf("standalone.Start in the parent: %s", resp.Error)
		}
		c.hostID, c.NamesrvAddr, c.BrokerAddr = resp.ID, resp.NamesrvAddr, resp.BrokerAddr
		return
	}
	sc, err := startStandalone(req)
	if err != nil {
		t.Fatalf("standalone.Start: %v", err)
	}
	c.inproc, c.NamesrvAddr, c.BrokerAddr = sc, sc.NamesrvAddr, sc.BrokerAddr
}

// stop shuts the cluster down gracefully (flushing the store); it is a
// no-op when the cluster is already stopped.
func (c *cluster) stop(t *testing.T) {
	t.Helper()
	switch {
	case c.inproc != nil:
		if err := c.inproc.Close(); err != nil {
			t.Errorf("cluster close: %v", err)
		}
		c.inproc = nil
	case c.hostID != 0:
		var resp hostStopped
		if err := hostCall("/stop", hostStop{ID: c.hostID}, &resp); err != nil {
			t.Errorf("asking the parent to stop the cluster: %v", err)
		}
		if resp.Error != "" {
			t.Errorf("cluster close: %s", resp.Error)
		}
		if resp.Races > 0 {
			t.Errorf("the race detector reported %d data races in the broker while this cluster ran (see the output above)", resp.Races)
		}
		c.hostID = 0
	case c.proc != nil:
		c.proc.stop(t)
	}
}

// restart stops the cluster gracefully and starts it again on the same
// store and the same addresses.
func (c *cluster) restart(t *testing.T) {
	t.Helper()
	c.stop(t)
	c.start(t)
}

// start starts a stopped cluster on the same store and addresses.
func (c *cluster) start(t *testing.T) {
	t.Helper()
	switch c.kind {
	case inProcess:
		c.startInProcess(t, c.NamesrvAddr, c.BrokerAddr)
	case mqdProcess:
		c.proc.start(t)
	}
	c.waitRegistered(t)
}

// kill sends SIGKILL to the mqd process (process variant only).
func (c *cluster) kill(t *testing.T) {
	t.Helper()
	if c.proc == nil {
		t.Fatal("kill needs the process variant")
	}
	c.proc.kill(t)
}

// mqdProc is one `mqd standalone` child process at a time, restartable on
// the same store and ports.
type mqdProc struct {
	bin, dir, logPath string
	nsAddr, brAddr    string
	syncFlush         bool
	inMemoryWindow    int64
	delayLevels       string
	set               map[string]string

	cmd    *exec.Cmd
	log    *os.File
	exited chan struct{} // closed when cmd.Wait returned
	mu     sync.Mutex
	werr   error // cmd.Wait's result, guarded by mu
}

func (p *mqdProc) start(t *testing.T) {
	t.Helper()
	args := []string{"standalone", "-store", p.dir, "-namesrv-listen", p.nsAddr, "-broker-listen", p.brAddr, "-log-level", "info"}
	if p.inMemoryWindow != 0 {
		args = append(args, "-in-memory-window", strconv.FormatInt(p.inMemoryWindow, 10))
	}
	if p.syncFlush {
		args = append(args, "-flush-disk-type", string(conf.SyncFlush))
	}
	if p.delayLevels != "" {
		args = append(args, "-message-delay-level", p.delayLevels)
	}
	for _, k := range slices.Sorted(maps.Keys(p.set)) {
		args = append(args, "-set", k+"="+p.set[k])
	}
	lf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(lf, "=== mqd %s\n", strings.Join(args, " "))
	logStart, err := lf.Seek(0, io.SeekCurrent)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(p.bin, args...)
	cmd.Stdout, cmd.Stderr = lf, lf
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		lf.Close()
		t.Fatalf("start mqd: %v", err)
	}
	p.cmd, p.log, p.exited = cmd, lf, make(chan struct{})
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.werr = err
		p.mu.Unlock()
		close(p.exited)
	}()
	// Ready means that mqd logged its ready line, which comes after both
	// listeners are up and just before its SIGTERM handler is installed,
	// and that both ports accept connections.
	ready := func() bool {
		if !p.loggedReady(logStart) {
			return false
		}
		for _, addr := range []string{p.nsAddr, p.brAddr} {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err != nil {
				return false
			}
			c.Close()
		}
		return true
	}
	deadline := time.Now().Add(15 * time.Second)
	for !ready() {
		select {
		case <-p.exited:
			p.dumpLog(t)
			t.Fatalf("mqd exited while starting: %v", p.waitErr())
		default:
		}
		if time.Now().After(deadline) {
			p.kill(t)
			p.dumpLog(t)
			t.Fatal("mqd is not ready after 15s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// loggedReady reports whether the log, from offset from on, has mqd's
// ready line.
func (p *mqdProc) loggedReady(from int64) bool {
	b, err := os.ReadFile(p.logPath)
	if err != nil || int64(len(b)) < from {
		return false
	}
	return bytes.Contains(b[from:], []byte("mqd standalone ready"))
}

func (p *mqdProc) waitErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.werr
}

// stop sends SIGTERM and requires exit status 0 within 15 s.
func (p *mqdProc) stop(t *testing.T) {
	t.Helper()
	if p.cmd == nil {
		return
	}
	defer p.reset()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("SIGTERM mqd: %v", err)
	}
	select {
	case <-p.exited:
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
		t.Errorf("mqd did not exit within 15s of SIGTERM")
		return
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("mqd exited with status %d after SIGTERM (%v); want 0", code, p.waitErr())
	}
}

// kill sends SIGKILL and waits for the process to die.
func (p *mqdProc) kill(t *testing.T) {
	t.Helper()
	if p.cmd == nil {
		return
	}
	defer p.reset()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Errorf("SIGKILL mqd: %v", err)
	}
	<-p.exited
}

func (p *mqdProc) reset() {
	p.log.Close()
	p.cmd, p.log = nil, nil
}

// dumpLog prints the tail of mqd's output into the test log.
func (p *mqdProc) dumpLog(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return
	}
	const tail = 8 << 10
	if len(b) > tail {
		b = b[len(b)-tail:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	t.Logf("mqd output (tail):\n%s", b)
}

// freePorts returns n distinct loopback addresses nobody listens on right
// now.
func freePorts(t *testing.T, n int) []string {
	t.Helper()
	addrs := make([]string, n)
	for i := range addrs {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		addrs[i] = ln.Addr().String()
	}
	return addrs
}
