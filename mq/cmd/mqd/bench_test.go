package main

import (
	"strings"
	"testing"

	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/standalone"
)

func TestBenchCommand(t *testing.T) {
	c := startAdminCluster(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{name: "produce a count through the route", code: 0,
			args:   []string{"-n", c.NamesrvAddr, "-t", "CliBench", "-count", "300", "-c", "2", "-p", "4", "-queues", "2", "-progress=false"},
			stdout: []string{"mode      produce", "produced  300 msgs", "p99.9"}},
		{name: "batches to a broker address", code: 0,
			args:   []string{"-b", c.BrokerAddr, "-t", "CliBench", "-count", "64", "-batch", "32", "-s", "10", "-progress=false"},
			stdout: []string{"SEND_BATCH_MESSAGE of 32", "produced  64 msgs", "(2 requests, 0 errors)"}},
		{name: "both for a moment", code: 0,
			args:   []string{"-b", c.BrokerAddr, "-t", "CliBoth", "-mode", "both", "-d", "200ms", "-progress=false"},
			stdout: []string{"consumed", "0 after drain (drained true"}},
		{name: "latency", code: 0,
			args:   []string{"-b", c.BrokerAddr, "-mode", "latency", "-count", "20", "-progress=false"},
			stdout: []string{"1 conns x 1 in flight", "produced  20 msgs"}},
		{name: "bad mode", code: 2, args: []string{"-b", c.BrokerAddr, "-mode", "fast"}, stderr: `mode "fast"`},
		{name: "bad flag", code: 2, args: []string{"-x"}, stderr: "-x"},
		{name: "extra argument", code: 2, args: []string{"-b", c.BrokerAddr, "now"}, stderr: "unexpected argument"},
		{name: "broker down", code: 1, args: []string{"-b", "127.0.0.1:1", "-count", "1"}, stderr: "connection refused"},
		{name: "help", code: 0, args: []string{"-h"}, stderr: "-batch"},
		{name: "transaction verified", code: 0,
			args:   []string{"-b", c.BrokerAddr, "-t", "CliTx", "-mode", "transaction", "-count", "200", "-verify", "-tx-work", "1ms", "-progress=false"},
			stdout: []string{"200 transactions in", "local transaction 1ms", "0 received", "200 of 200 committed", "exactly the committed messages"}},
		{name: "delay at level 1 of the default table", code: 0,
			args:   []string{"-b", c.BrokerAddr, "-t", "CliDelay", "-mode", "delay", "-count", "100", "-progress=false"},
			stdout: []string{"DELAY=1 (1s)", "100 of 100", "lateness"}},
		{name: "batch delayed", code: 2, args: []string{"-b", c.BrokerAddr, "-mode", "delay", "-batch", "4"}, stderr: "single messages"},
		{name: "bad burst levels", code: 2, args: []string{"-b", c.BrokerAddr, "-mode", "delay-burst", "-burst-levels", "3:10s"}, stderr: "LEVEL=DELAY"},
		{name: "burst levels without delay-burst", code: 2, args: []string{"-b", c.BrokerAddr, "-mode", "delay", "-burst-levels", "1=1s"},
			stderr: "delay-burst"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := mqd(append([]string{"bench"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, errOut)
			}
		})
	}
}

// TestBenchDelayBurst runs delay-burst against a broker with a short delay
// table, staggered over two levels.
func TestBenchDelayBurst(t *testing.T) {
	b := broker.DefaultOptions()
	b.Config.StorePathRootDir = t.TempDir()
	b.Config.MessageDelayLevel = "200ms 500ms"
	c, err := standalone.Start(standalone.Options{NamesrvListen: "127.0.0.1:0", BrokerListen: "127.0.0.1:0", Broker: b})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	code, out, errOut := mqd("bench", "-n", c.NamesrvAddr, "-t", "CliBurst", "-mode", "delay-burst", "-count", "300",
		"-burst-levels", "1=200ms, 2=500ms", "-progress=false")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"DELAY=2 (500ms) from +0.00s, DELAY=1 (200ms) from +0.30s", "DELAY=2: 150 msgs", "300 of 300", "spread"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}
