package integration

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/broker"
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
}

// cluster is a running NameServer and Broker with a store directory that
// survives Restart.
type cluster struct {
	kind        clusterKind
	opts        clusterOptions
	dir         string
	NamesrvAddr string
	BrokerAddr  string

	inproc *standalone.Cluster
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
		c.proc = &mqdProc{bin: mqdBinary(t), dir: c.dir, logPath: filepath.Join(t.TempDir(), "mqd.log"), syncFlush: opts.syncFlush}
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
	return c
}

// inMemoryRuleOff reports whether the broker runs with InMemoryWindow < 0,
// i.e. a new group with no committed offset really starts where its
// consumeFromWhere says instead of at offset 0 of a young queue.
func (c *cluster) inMemoryRuleOff() bool {
	return c.kind == inProcess && c.opts.inMemoryWindow < 0
}

func (c *cluster) startInProcess(t *testing.T, nsListen, brListen string) {
	t.Helper()
	bo := broker.DefaultOptions()
	bo.Config.StorePathRootDir = c.dir
	if c.opts.syncFlush {
		bo.Config.FlushDiskType = conf.SyncFlush
	}
	if c.opts.inMemoryWindow != 0 {
		bo.InMemoryWindow = c.opts.inMemoryWindow
	}
	var err error
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.inproc, err = standalone.Start(standalone.Options{NamesrvListen: nsListen, BrokerListen: brListen, Broker: bo})
		// A restart on the same ports can race the kernel releasing them.
		if err == nil || !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("standalone.Start: %v", err)
	}
	c.NamesrvAddr, c.BrokerAddr = c.inproc.NamesrvAddr, c.inproc.BrokerAddr
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

	cmd    *exec.Cmd
	log    *os.File
	exited chan struct{} // closed when cmd.Wait returned
	mu     sync.Mutex
	werr   error // cmd.Wait's result, guarded by mu
}

func (p *mqdProc) start(t *testing.T) {
	t.Helper()
	args := []string{"standalone", "-store", p.dir, "-namesrv-listen", p.nsAddr, "-broker-listen", p.brAddr, "-log-level", "warn"}
	if p.syncFlush {
		args = append(args, "-flush-disk-type", string(conf.SyncFlush))
	}
	lf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(lf, "=== mqd %s\n", strings.Join(args, " "))
	cmd := exec.Command(p.bin, args...)
	cmd.Stdout, cmd.Stderr = lf, lf
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
	deadline := time.Now().Add(15 * time.Second)
	for _, addr := range []string{p.nsAddr, p.brAddr} {
		for {
			if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				c.Close()
				break
			}
			select {
			case <-p.exited:
				p.dumpLog(t)
				t.Fatalf("mqd exited before listening on %s: %v", addr, p.waitErr())
			default:
			}
			if time.Now().After(deadline) {
				p.kill(t)
				p.dumpLog(t)
				t.Fatalf("mqd does not accept connections on %s", addr)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
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
