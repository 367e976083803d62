package examples

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
)

// step is one part of the suite. It judges the examples it names; a step
// stops every process it started when it returns.
type step struct {
	name     string
	examples []string
	run      func(h *harness)
}

// steps run in this order; see each function for how it departs from the
// order suggested in rocketmq-protocol.md §6 and why.
var steps = []step{
	{"topic_test_producers", []string{"producer/simple", "consumer/simple", "producer/tag", "producer/batch",
		"producer/async", "producer/interceptor", "producer/trace", "producer/delay"}, stepTestTopic},
	{"consumer_tag", []string{"consumer/tag"}, stepConsumerTag},
	{"consumer_delay", []string{"consumer/delay"}, stepConsumerDelay},
	{"consumer_retry_concurrent", []string{"consumer/retry/concurrent"}, stepRetryConcurrent},
	{"consumer_orderly", []string{"consumer/orderly"}, stepOrderly},
	{"consumer_broadcast", []string{"consumer/broadcast"}, stepBroadcast},
	{"consumer_strategy", []string{"consumer/strategy"}, stepStrategy},
	{"consumer_interceptor", []string{"consumer/interceptor"}, stepConsumerInterceptor},
	{"consumer_trace", []string{"consumer/trace"}, stepConsumerTrace},
	{"producer_transaction", []string{"producer/transaction"}, stepTransaction},
	{"rpc", []string{"consumer/rpc", "producer/rpc/sync", "producer/rpc/async"}, stepRPC},
	{"admin_topic", []string{"admin/topic"}, stepAdminTopic},
	{"admin_group", []string{"admin/group"}, stepAdminGroup},
	{"consumer_retry_order", []string{"consumer/retry/order"}, stepRetryOrder},
	{"consumer_pull_pull", []string{"consumer/pull/pull"}, stepPull},
	{"consumer_pull_poll", []string{"consumer/pull/poll"}, stepPoll},
	{"consumer_pull_pull_from", []string{"consumer/pull/pull_from"}, stepPullFrom},
	{"namespace", []string{"producer/namespace", "consumer/namespace"}, stepNamespace},
	{"acl", []string{"producer/acl", "consumer/acl"}, stepACL},
}

// TestExamples runs every program under the official Go client's
// examples/ against mqd and judges each by what it prints. See doc.go.
func TestExamples(t *testing.T) {
	h := newHarness(t)
	h.checkTable()
	h.checkPorts()
	h.build()
	if !h.startMqd(nil) {
		t.FailNow()
	}
	h.createTopics()
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) { h.runStep(t, s) })
	}
	h.stopAll()
	h.summary()
}

// runStep runs s with t as the harness's current test and stops what s
// left running, even if it gave up with t.Fatal. When s failed it also
// shows what mqd warned about meanwhile.
func (h *harness) runStep(t *testing.T, s step) {
	h.t = t
	mqd, mqdFrom, started := h.mqd, len(h.mqd.lines()), len(h.procs)
	defer func() {
		for _, p := range h.procs[started:] {
			if p != h.mqd {
				p.stop()
			}
		}
		if t.Failed() {
			h.logWarnings(mqd, mqdFrom)
		}
		h.t = h.root
	}()
	for _, ex := range s.examples {
		h.verdicts[ex].judged = true // checkTable made sure it is there
	}
	s.run(h)
}

// logWarnings logs what mqd p logged at WARN or ERROR from line from on.
func (h *harness) logWarnings(p *proc, from int) {
	var warn []string
	for _, l := range p.lines()[from:] {
		if strings.Contains(l.text, "level=WARN") || strings.Contains(l.text, "level=ERROR") {
			warn = append(warn, "    | "+l.text)
		}
	}
	if len(warn) > 30 {
		warn = append(warn[:30], fmt.Sprintf("    | … %d more", len(warn)-30))
	}
	if len(warn) > 0 {
		h.t.Logf("mqd warnings and errors during this step (%s):\n%s", p.logPath, strings.Join(warn, "\n"))
	}
}

// summary logs one line per example and fails the test if an example did
// not pass; an example reported as not runnable does not fail it.
func (h *harness) summary() {
	t := h.root
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "EXAMPLE\tRESULT\tSECONDS\tDETAIL")
	passed, failed, notRun := 0, 0, 0
	for _, e := range table {
		v := h.verdicts[e.path]
		secs := "-"
		if d := h.lifetime(e.path); d > 0 {
			secs = fmt.Sprintf("%.1f", d.Seconds())
		}
		result, detail := "PASS", e.check
		switch {
		case v.notRun != "":
			result, detail = "NOT RUN", v.notRun
			notRun++
		case !v.judged:
			result, detail = "FAIL", "harness bug: no step judged it"
			failed++
		case len(v.failures) > 0:
			result, detail = "FAIL", strings.Join(v.failures, "; ")
			failed++
		case !v.ran:
			result, detail = "FAIL", "never started"
			failed++
		default:
			passed++
		}
		if r := []rune(detail); len(r) > 160 {
			detail = string(r[:160]) + "…"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", e.path, result, secs, detail)
	}
	w.Flush()
	logs := "set " + dirEnv + " to keep every process's output"
	if os.Getenv(dirEnv) != "" {
		logs = "every process's output is in " + h.logDir()
	}
	t.Logf("examples against mqd: %d passed, %d failed, %d not run, %.0f s in all; %s\n%s",
		passed, failed, notRun, time.Since(h.began).Seconds(), logs, b.String())
	if failed > 0 {
		t.Errorf("%d example(s) failed; see the table above and each step's log", failed)
	}
}

// lifetime is the time from the first start of an example's process to
// the last exit of one.
func (h *harness) lifetime(ex string) time.Duration {
	var first, last time.Time
	for _, p := range h.procs {
		if p.name != ex {
			continue
		}
		if first.IsZero() || p.started.Before(first) {
			first = p.started
		}
		if p.ended.After(last) {
			last = p.ended
		}
	}
	if first.IsZero() || last.IsZero() {
		return 0
	}
	return last.Sub(first)
}

// logDir is where the processes' output is kept.
func (h *harness) logDir() string { return filepath.Join(h.dir, "logs") }

// checkTable fails the test if the client's examples/ holds a program the
// table does not list, or the table lists one that is not there.
func (h *harness) checkTable() {
	dir := filepath.Join(h.clientDir, "examples")
	found := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			rel, _ := filepath.Rel(dir, filepath.Dir(path))
			found[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	if err != nil {
		h.root.Fatalf("list %s: %v", dir, err)
	}
	for p := range found {
		if _, ok := h.verdicts[p]; !ok {
			h.root.Errorf("examples/%s is not in the harness's table: add a check or a reason it cannot run", p)
		}
	}
	for _, e := range table {
		if !found[e.path] {
			h.root.Errorf("the table lists examples/%s, which %s does not have", e.path, h.clientDir)
		}
	}
	judged := map[string]int{}
	for _, s := range steps {
		for _, ex := range s.examples {
			if _, ok := h.verdicts[ex]; !ok {
				h.root.Fatalf("harness bug: step %s judges %s, which is not in the table", s.name, ex)
			}
			judged[ex]++
		}
	}
	for _, e := range table {
		if judged[e.path] != 1 {
			h.root.Errorf("harness bug: %d steps judge %s, want 1", judged[e.path], e.path)
		}
	}
}
