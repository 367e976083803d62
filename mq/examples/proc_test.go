package examples

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// maxLife is how long a client process of the suite may live. Most
// examples sleep for an hour; every step stops its processes long before
// this, so it only matters if a step forgets one.
const maxLife = 3 * time.Minute

// line is one line a process printed, on stdout or stderr, with the time
// the harness read it.
type line struct {
	at   time.Time
	text string
}

// idleFlush is how long an unterminated line may wait for its newline
// before it counts as a line: some examples print their verdict with
// Printf and no "\n" ("msg ReconsumeTimes > 5. msg: ...") and then print
// nothing more for a long time.
const idleFlush = 300 * time.Millisecond

// output collects a process's stdout and stderr (one pipe, so their
// order is kept) as timestamped lines and copies the raw bytes to a log
// file. It is safe for one writer and any number of readers.
type output struct {
	mu      sync.Mutex
	lines   []line
	partial []byte
	gen     int         // counts writes, so a stale idle flush does nothing
	idle    *time.Timer // flushes partial after idleFlush without writes
	closed  bool
	changed chan struct{} // closed and replaced on every new line
	file    *os.File
}

func newOutput(path string) (*output, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &output{changed: make(chan struct{}), file: f}, nil
}

// Write implements io.Writer for exec.Cmd.
func (o *output) Write(b []byte) (int, error) {
	o.file.Write(b) // best effort: the log file is for humans
	now := time.Now()
	o.mu.Lock()
	defer o.mu.Unlock()
	o.partial = append(o.partial, b...)
	added := false
	for {
		i := bytes.IndexByte(o.partial, '\n')
		if i < 0 {
			break
		}
		o.lines = append(o.lines, line{at: now, text: string(bytes.TrimRight(o.partial[:i], "\r"))})
		o.partial = o.partial[i+1:]
		added = true
	}
	if added {
		o.wake()
	}
	o.gen++
	if o.idle != nil {
		o.idle.Stop()
	}
	if len(o.partial) > 0 {
		gen := o.gen
		o.idle = time.AfterFunc(idleFlush, func() { o.flushIdle(gen) })
	}
	return len(b), nil
}

// flushIdle turns the unterminated line into a line if nothing was written
// since write number gen.
func (o *output) flushIdle(gen int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.gen != gen || o.closed || len(o.partial) == 0 {
		return
	}
	o.lines = append(o.lines, line{at: time.Now(), text: string(o.partial)})
	o.partial = nil
	o.wake()
}

// wake tells readers there are new lines; o.mu must be held.
func (o *output) wake() {
	close(o.changed)
	o.changed = make(chan struct{})
}

// close turns an unterminated last line into a line and closes the file.
func (o *output) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	if o.idle != nil {
		o.idle.Stop()
	}
	if len(o.partial) > 0 {
		o.lines = append(o.lines, line{at: time.Now(), text: string(o.partial)})
		o.partial = nil
		o.wake()
	}
	o.file.Close()
}

// snapshot returns the lines so far and a channel closed when more come.
// The slice is never written again (lines are only appended), so callers
// may read it without the lock.
func (o *output) snapshot() ([]line, <-chan struct{}) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.lines[:len(o.lines):len(o.lines)], o.changed
}

// proc is one process the suite started: an example, the feeder, mqd or
// redis-server.
type proc struct {
	name    string // for logs: the example path, or "mqd", "feed", ...
	cmd     *exec.Cmd
	out     *output
	logPath string
	started time.Time

	done    chan struct{} // closed once the process has exited and out is closed
	ended   time.Time     // valid after done
	waitErr error         // valid after done
	killed  bool          // valid after done: the harness killed it
	killMu  sync.Mutex
	killReq bool
}

// startProc starts bin with args, its output going to logPath, and kills
// it after life unless life is 0. The process gets its own process group
// so that stop kills whatever it started.
func startProc(name, bin string, args, env []string, logPath string, life time.Duration) (*proc, error) {
	out, err := newOutput(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 2 * time.Second
	setProcAttr(cmd)
	p := &proc{name: name, cmd: cmd, out: out, logPath: logPath, done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		out.close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p.started = time.Now()
	var limit *time.Timer
	if life > 0 {
		limit = time.AfterFunc(life, p.stop)
	}
	go func() {
		p.waitErr = cmd.Wait()
		if limit != nil {
			limit.Stop()
		}
		p.ended = time.Now()
		p.killMu.Lock()
		p.killed = p.killReq
		p.killMu.Unlock()
		out.close()
		close(p.done)
	}()
	return p, nil
}

// stop kills the process group unless the process has already exited, and
// waits for it. It is idempotent.
func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.killMu.Lock()
	p.killReq = true
	p.killMu.Unlock()
	killGroup(p.cmd)
	<-p.done
}

// waitExit waits up to d for the process to exit by itself and reports
// whether it did; if it did not, it is killed.
func (p *proc) waitExit(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		p.stop()
	}
	return !p.killed
}

// running reports whether the process has not exited yet.
func (p *proc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// exitStatus describes how the process ended, for failure messages.
func (p *proc) exitStatus() string {
	select {
	case <-p.done:
	default:
		return "still running"
	}
	var ee *exec.ExitError
	switch {
	case p.killed:
		return "killed by the harness"
	case p.waitErr == nil:
		return "exit status 0"
	case errors.As(p.waitErr, &ee):
		return ee.String()
	default:
		return p.waitErr.Error()
	}
}

// lines returns what the process printed so far.
func (p *proc) lines() []line {
	l, _ := p.out.snapshot()
	return l
}

// scan calls fn on every line the process prints, from the first one, in
// order, until fn returns true (scan returns true), d passes or the process
// exits without fn returning true (scan returns false).
func (p *proc) scan(d time.Duration, fn func(line) bool) bool { return p.scanFrom(0, d, fn) }

// scanFrom is scan starting at line i (counted from 0).
func (p *proc) scanFrom(i int, d time.Duration, fn func(line) bool) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		lines, changed := p.out.snapshot()
		for ; i < len(lines); i++ {
			if fn(lines[i]) {
				return true
			}
		}
		select {
		case <-changed:
		case <-p.done:
			lines, _ = p.out.snapshot()
			for ; i < len(lines); i++ {
				if fn(lines[i]) {
					return true
				}
			}
			return false
		case <-timer.C:
			return false
		}
	}
}

// waitFor waits up to d for a line containing s.
func (p *proc) waitFor(d time.Duration, s string) bool {
	return p.scan(d, func(l line) bool { return strings.Contains(l.text, s) })
}

// tail returns the last n lines, each cut to a readable length.
func (p *proc) tail(n int) string {
	lines := p.lines()
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	var b strings.Builder
	for _, l := range lines {
		t := l.text
		if len(t) > 400 {
			t = t[:400] + "…"
		}
		fmt.Fprintf(&b, "    | %s\n", t)
	}
	return b.String()
}
