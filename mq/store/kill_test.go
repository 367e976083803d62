package store

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The kill -9 test re-executes this test binary as a writer process,
// selected by these environment variables.
const (
	killDirEnv   = "SAGASHOP_STORE_KILL9_DIR"
	killRoundEnv = "SAGASHOP_STORE_KILL9_ROUND"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(killDirEnv); dir != "" {
		killChild(dir, os.Getenv(killRoundEnv))
		return
	}
	m.Run()
}

func killOptions(dir string) Options {
	o := DefaultOptions()
	o.Dir, o.FlushMode = dir, SyncFlush
	o.CommitLogSegmentSize = 16 << 10
	o.ConsumeQueueSegmentEntries = 64
	o.FlushInterval = 30 * time.Millisecond
	o.indexSlots, o.indexEntries = 64, 256 // index files roll over too
	return o
}

// killChild puts messages from 8 goroutines in SyncFlush mode, one in
// flight each, and prints "ACK queue offset body END" for every message whose
// OnDurable completed, until it is killed (or 30s pass).
func killChild(dir, round string) {
	s, err := Open(killOptions(dir))
	if err != nil {
		fmt.Println("ERR", err)
		return
	}
	lines := make(chan string, 1024)
	go func() {
		w := bufio.NewWriter(os.Stdout)
		for l := range lines {
			w.WriteString(l)
			if len(lines) == 0 {
				w.Flush()
			}
		}
	}()
	for g := range 8 {
		go func() {
			for i := 0; ; i++ {
				n := 1 + i%3 // single puts and batches of 2 and 3
				q := int32((g + i) % 4)
				var batch []Entry
				for j := range n {
					batch = append(batch, entry("K", q, fmt.Sprintf("r%s-g%d-%d-%d-%s", round, g, i, j, strings.Repeat("p", (i*31+j)%700))))
				}
				res, err := s.Put(batch)
				if err != nil {
					lines <- fmt.Sprintln("ERR", err)
					return
				}
				done := make(chan error, 1)
				s.OnDurable(res.EndOffset, func(err error) { done <- err })
				if err := <-done; err != nil {
					lines <- fmt.Sprintln("ERR", err)
					return
				}
				for j, e := range batch {
					lines <- fmt.Sprintf("ACK %d %d %s END\n", q, res.QueueOffset+int64(j), e.Msg.Body)
				}
			}
		}()
	}
	time.Sleep(30 * time.Second)
}

// TestKill9 kills a SyncFlush writer with SIGKILL at a random point, three
// times over the same directory, and checks after each that every
// acknowledged message is readable at its queue offset.
func TestKill9(t *testing.T) {
	dir := t.TempDir()
	type at struct {
		q   int32
		off int64
	}
	acked := map[at]string{}
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKill9$")
		cmd.Env = append(os.Environ(), killDirEnv+"="+dir, fmt.Sprintf("%s=%d", killRoundEnv, round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		killAfter := 200 + rand.IntN(400)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 4096), 1<<20)
		n, killed := 0, false
		for sc.Scan() {
			var q int32
			var off int64
			var body string
			if _, err := fmt.Sscanf(sc.Text(), "ACK %d %d %s END", &q, &off, &body); err != nil {
				if killed && !strings.HasSuffix(sc.Text(), " END") {
					continue // the kill cut the child's last write short
				}
				cmd.Process.Kill()
				t.Fatalf("child: %s", sc.Text())
			}
			if prev, ok := acked[at{q, off}]; ok && prev != body {
				t.Fatalf("queue %d offset %d acknowledged twice: %q then %q", q, off, prev, body)
			}
			acked[at{q, off}] = body
			if n++; n == killAfter && !killed {
				cmd.Process.Kill() // SIGKILL: lines already in the pipe are still read
				killed = true
			}
		}
		cmd.Wait()
		if !killed {
			t.Fatalf("round %d: child exited after %d acks", round, n)
		}

		s, err := Open(killOptions(dir))
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		for k, body := range acked {
			res, err := s.GetMessages("K", k.q, k.off, 1, 0, 0, nil)
			if err != nil || res.Status != Found {
				t.Fatalf("round %d: acked %d/%d: %v %v (max %d)", round, k.q, k.off, res.Status, err, s.MaxOffset("K", k.q))
			}
			if m := decode(t, res.Records[0]); string(m.Body) != body || m.QueueOffset != k.off {
				t.Fatalf("round %d: acked %d/%d holds %q at %d, want %q", round, k.q, k.off, m.Body, m.QueueOffset, body)
			}
			// The body is also the UNIQ_KEY: the index must have it.
			if recs, err := s.QueryByKey("K", body, 1, 0, 0); err != nil || len(recs) != 1 || string(decode(t, recs[0]).Body) != body {
				t.Fatalf("round %d: acked %d/%d not found by its UNIQ_KEY: %d records, %v", round, k.q, k.off, len(recs), err)
			}
		}
		for q := range int32(4) {
			res, _ := s.GetMessages("K", q, 0, 100000, 0, 100000, nil)
			if int64(len(res.Records)) != s.MaxOffset("K", q) {
				t.Fatalf("round %d: queue %d has %d readable of %d", round, q, len(res.Records), s.MaxOffset("K", q))
			}
		}
		t.Logf("round %d: killed after %d acks; %d acked in all, queue maxima %d %d %d %d", round, killAfter, len(acked),
			s.MaxOffset("K", 0), s.MaxOffset("K", 1), s.MaxOffset("K", 2), s.MaxOffset("K", 3))
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
