package integration

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// TestTransactionProducerKilled loses a transaction producer between its
// half messages and their commit: a separate process sends four half
// messages, leaves the first three unknown and SIGKILLs itself inside the
// local transaction of the fourth, before any answer. The broker must
// drop the dead producer, and check the four back with a second producer
// of the same group, started in this process, whose answer (commit) makes
// each of them visible exactly once, after exactly one check-back each.
func TestTransactionProducerKilled(t *testing.T) {
	t.Parallel()
	forEachCluster(t, txOptions(15), func(t *testing.T, c *cluster) {
		topic := uniqName(t, "txkill")
		createTopic(t, c, topic, 2)
		group := uniqName(t, "txg")
		col := newCollector()
		startPushConsumer(t, c, uniqName(t, "g"), topic, consumer.MessageSelector{}, col.handler("m"),
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))

		orphans := bodies("orphan", 4)
		lines := runTxChildProcess(t, txChildSpec{Namesrv: c.NamesrvAddr, Broker: c.BrokerAddr, Group: group, Topic: topic, Bodies: orphans})
		uniq := map[string]string{}
		checkedByChild := 0
		registered := false
		for _, line := range lines {
			f := strings.Fields(line)
			switch {
			case len(f) == 3 && f[0] == "half":
				uniq[f[1]] = f[2]
			case len(f) == 2 && f[0] == "check":
				checkedByChild++
			case len(f) == 1 && f[0] == "registered":
				registered = true
			default:
				t.Errorf("the producer process said %q", line)
			}
		}
		if len(uniq) != len(orphans) || !registered {
			t.Fatalf("the producer process sent half messages %v (registered %v); want all of %q", uniq, registered, orphans)
		}
		t.Logf("the killed producer answered %d check-backs (unknown) before it died", checkedByChild)
		if d := waitProducers(t, c, group, 0, 5*time.Second); d > time.Second {
			t.Logf("the broker dropped the dead producer after %v", d)
		}

		l := newTxListener(
			func(string) primitive.LocalTransactionState { return txCommit },
			func(string, int) primitive.LocalTransactionState { return txCommit })
		p := newTxProducer(t, c, group, l)
		sendTx(t, p, topic, "survivor") // fetches the route, so the heartbeat reaches the broker
		waitProducers(t, c, group, 1, 10*time.Second)

		want := append(append([]string{}, orphans...), "survivor")
		col.expectExactly(t, want, 15*time.Second, 0)
		last, ok := l.lastResolution(want)
		if !ok {
			t.Fatalf("not every transaction was resolved: checks %v", checkCounts(l, want))
		}
		time.Sleep(time.Until(last.Add(1500 * time.Millisecond)))
		col.expectExactly(t, want, 0, 0)
		for _, b := range orphans {
			if n := len(l.checksOf(b)); n != 1 {
				t.Errorf("%s: the second producer got %d check-backs, want 1", b, n)
			}
			if m := col.msg(b); m != nil && m.MsgId != uniq[b] {
				t.Errorf("%s: consumed with MsgId %q; the half message's UNIQ_KEY was %q", b, m.MsgId, uniq[b])
			}
		}
		if n := len(l.checksOf("survivor")); n != 0 {
			t.Errorf("survivor: committed at once but checked back %d times", n)
		}
		if late := l.lateChecks(); len(late) > 0 {
			t.Errorf("check-backs after the transaction was resolved: %v", late)
		}
	})
}

// runTxChildProcess runs runTxChild in a copy of this test binary, waits
// for it to die of SIGKILL and returns its output lines.
func runTxChildProcess(t *testing.T, spec txChildSpec) []string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), txChildEnv+"="+string(js))
	var out, errOut lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the producer process: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("the producer process did not die within 30s; output:\n%s%s", out.String(), errOut.String())
	}
	var ee *exec.ExitError
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !errors.As(err, &ee) || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the producer process ended with %v, want death by SIGKILL; output:\n%s%s", err, out.String(), errOut.String())
	}
	return strings.Split(strings.TrimSpace(out.String()), "\n")
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestTransactionBrokerRestart restarts the broker (gracefully, on the
// same store) while ten half messages are open: every one was checked
// back and left unknown at least once before. The same producer stays up;
// once it has re-registered with its next heartbeat, every half message
// is checked back exactly once more, with TRANSACTION_CHECK_TIMES
// continuing from the count before the restart, and resolved (even ones
// committed, odd ones rolled back) exactly once.
func TestTransactionBrokerRestart(t *testing.T) {
	t.Parallel()
	forEachCluster(t, txOptions(15), func(t *testing.T, c *cluster) {
		topic := uniqName(t, "txrestart")
		createTopic(t, c, topic, 2)
		group := uniqName(t, "txg")
		open := bodies("open", 10)
		commit := map[string]bool{}
		var committed []string
		for i, b := range open {
			if i%2 == 0 {
				commit[b] = true
				committed = append(committed, b)
			}
		}
		var restarted atomic.Bool
		l := newTxListener(
			func(string) primitive.LocalTransactionState { return txUnknown },
			func(b string, _ int) primitive.LocalTransactionState {
				switch {
				case !restarted.Load():
					return txUnknown
				case commit[b]:
					return txCommit
				}
				return txRollback
			})
		p := newTxProducer(t, c, group, l)
		for _, b := range open {
			sendTx(t, p, topic, b)
		}
		if !eventually(10*time.Second, func() bool {
			for _, b := range open {
				if len(l.checksOf(b)) == 0 {
					return false
				}
			}
			return true
		}) {
			t.Fatalf("not every half message was checked back within 10s: %v", checkCounts(l, open))
		}

		c.stop(t)
		time.Sleep(300 * time.Millisecond) // check-backs still on their way
		before := map[string][]txCheck{}
		for _, b := range open {
			before[b] = l.checksOf(b)
		}
		c.start(t)
		restarted.Store(true)
		d := waitProducers(t, c, group, 1, 40*time.Second)
		t.Logf("the producer re-registered %v after the restart (its heartbeat runs every 30s)", d.Round(time.Millisecond))

		col := newCollector()
		startPushConsumer(t, c, uniqName(t, "g"), topic, consumer.MessageSelector{}, col.handler("m"),
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		col.expectExactly(t, committed, 15*time.Second, 0)
		last, ok := l.lastResolution(open)
		if !ok {
			t.Fatalf("not every transaction was resolved after the restart: checks %v", checkCounts(l, open))
		}
		time.Sleep(time.Until(last.Add(1500 * time.Millisecond)))
		col.expectExactly(t, committed, 0, 0)
		for _, b := range open {
			pre := before[b]
			after := l.checksOf(b)[len(pre):]
			if len(after) != 1 {
				t.Errorf("%s: %d check-backs after the restart, want 1", b, len(after))
				continue
			}
			if want := pre[len(pre)-1].times + 1; after[0].times != want {
				t.Errorf("%s: the check-back after the restart carries TRANSACTION_CHECK_TIMES=%d; the last one before said %d, so want %d",
					b, after[0].times, want-1, want)
			}
		}
		if late := l.lateChecks(); len(late) > 0 {
			t.Errorf("check-backs after the transaction was resolved: %v", late)
		}
		t.Logf("check-backs before the restart: %s", countsOf(before))
	})
}

func countsOf(m map[string][]txCheck) string {
	var parts []string
	for _, b := range bodies("open", len(m)) {
		parts = append(parts, b+"="+strconv.Itoa(len(m[b])))
	}
	return strings.Join(parts, " ")
}
