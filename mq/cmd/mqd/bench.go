package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sagashop/sagashop/mq/bench"
)

// runBench runs `mqd bench [flags]`: a load generator that speaks the
// protocol directly and prints throughput and latency.
func runBench(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("mqd bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	d := bench.DefaultOptions()
	o := d
	ns := fs.String("n", "", "NameServer `addresses` to find the broker through the route, ';'-separated\n"+
		"(default $NAMESRV_ADDR or 127.0.0.1:9876 when -b is not given)")
	fs.StringVar(&o.BrokerAddr, "b", "", "broker `address`, instead of finding it through -n")
	fs.StringVar(&o.Topic, "t", d.Topic, "`topic`; created if new (with -queues queues) unless -mode consume")
	mode := fs.String("mode", string(d.Mode), "produce, consume, both, latency (= produce with -c 1 -p 1),\n"+
		"transaction (half message, local transaction, END_TRANSACTION commit; -count counts transactions),\n"+
		"delay (delayed messages parked and delivered to a consumer reading from the ends) or\n"+
		"delay-burst (delay with -count 100000 by default, parked before the first is due; reports the delivery spread)")
	fs.IntVar(&o.Conns, "c", 0, "`connections` of the producer and of the consumer (default 4, latency 1)")
	fs.IntVar(&o.InFlight, "p", 0, "requests (transactions in transaction mode) in flight per producer connection (default 16, latency 1)")
	fs.IntVar(&o.Size, "s", d.Size, "message body `bytes`")
	fs.IntVar(&o.Batch, "batch", d.Batch, "messages per send request; above 1 uses SEND_BATCH_MESSAGE")
	fs.DurationVar(&o.Duration, "d", 0, "how long to run (default 10s unless -count; consume alone drains the backlog)")
	fs.Int64Var(&o.Count, "count", 0, "messages to produce or consume (transactions in transaction mode), instead of -d")
	fs.IntVar(&o.Queues, "queues", d.Queues, "queues of the topic: an existing topic is changed only when this is given (default: its own count, 8 for a new topic)")
	fs.StringVar(&o.Group, "group", d.Group, "consumer `group`")
	fs.StringVar(&o.ProducerGroup, "producer-group", d.ProducerGroup, "producer `group` (the PGROUP of transaction half messages, registered by HEART_BEAT)")
	fs.BoolVar(&o.FromEnd, "from-end", false, "consume from the queues' current ends instead of offset 0")
	fs.IntVar(&o.MaxMsgNums, "max-msgs", d.MaxMsgNums, "maxMsgNums of each pull")
	fs.DurationVar(&o.DrainTimeout, "drain-timeout", d.DrainTimeout, "how long the consumer may take to catch up after producing")
	fs.DurationVar(&o.TxWork, "tx-work", 0, "transaction: how long each local transaction takes (a sleep between the half message's reply and END_TRANSACTION)")
	fs.BoolVar(&o.Verify, "verify", false, "transaction: consume the topic from its ends and check that exactly the committed messages became visible")
	fs.IntVar(&o.DelayLevel, "delay-level", 0, "delay, delay-burst: the DELAY `level` sent (default 1 for delay, 3 for delay-burst)")
	fs.DurationVar(&o.Delay, "delay", 0, "delay, delay-burst: the broker's delay for -delay-level, to compute due times; give it when the broker's\n"+
		"-message-delay-level is not RocketMQ's default table (default: the level's entry in \"1s 5s 10s 30s 1m ...\")")
	fs.Func("burst-levels", "delay-burst: `levels` as LEVEL=DELAY,... (e.g. \"4=10s,3=5s,2=2s,1=1s\"), replacing -delay-level and -delay:\n"+
		"-count is split among them and each level's share is sent from (longest delay - its delay) after the start,\n"+
		"so that all fall due together", func(v string) (err error) {
		o.BurstLevels, err = parseDelaySteps(v)
		return err
	})
	progress := fs.Bool("progress", true, "print running totals to stderr every second")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the load generator itself to `file`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	o.Mode = bench.Mode(*mode)
	if *ns == "" && o.BrokerAddr == "" {
		*ns = defaultNamesrv()
	}
	o.NamesrvAddrs = splitAddrs(*ns)
	if *progress {
		o.Progress = stderr
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	res, err := bench.Run(ctx, o)
	if errors.Is(err, bench.ErrBadOptions) || errors.Is(err, bench.ErrNoBroker) && o.BrokerAddr == "" && len(o.NamesrvAddrs) == 0 {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if res.Options.Mode != "" {
		fmt.Fprint(stdout, res)
	}
	return err
}

// parseDelaySteps parses -burst-levels: LEVEL=DELAY pairs, comma-separated.
func parseDelaySteps(v string) ([]bench.DelayStep, error) {
	var steps []bench.DelayStep
	for _, pair := range strings.Split(v, ",") {
		l, d, ok := strings.Cut(strings.TrimSpace(pair), "=")
		level, lerr := strconv.Atoi(l)
		delay, derr := time.ParseDuration(d)
		if !ok || lerr != nil || derr != nil {
			return nil, fmt.Errorf("%q is not LEVEL=DELAY, e.g. 3=10s", pair)
		}
		steps = append(steps, bench.DelayStep{Level: level, Delay: delay})
	}
	return steps, nil
}
