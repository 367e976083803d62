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
	"syscall"

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
	fs.StringVar(&o.Topic, "t", d.Topic, "`topic`; created (or updated) with -queues queues unless -mode consume")
	mode := fs.String("mode", string(d.Mode), "produce, consume, both or latency (= produce with -c 1 -p 1)")
	fs.IntVar(&o.Conns, "c", 0, "`connections` of the producer and of the consumer (default 4, latency 1)")
	fs.IntVar(&o.InFlight, "p", 0, "requests in flight per producer connection (default 16, latency 1)")
	fs.IntVar(&o.Size, "s", d.Size, "message body `bytes`")
	fs.IntVar(&o.Batch, "batch", d.Batch, "messages per send request; above 1 uses SEND_BATCH_MESSAGE")
	fs.DurationVar(&o.Duration, "d", 0, "how long to run (default 10s unless -count; consume alone drains the backlog)")
	fs.Int64Var(&o.Count, "count", 0, "messages to produce (or consume), instead of -d")
	fs.IntVar(&o.Queues, "queues", d.Queues, "queues of the topic")
	fs.StringVar(&o.Group, "group", d.Group, "consumer `group`")
	fs.BoolVar(&o.FromEnd, "from-end", false, "consume from the queues' current ends instead of offset 0")
	fs.IntVar(&o.MaxMsgNums, "max-msgs", d.MaxMsgNums, "maxMsgNums of each pull")
	fs.DurationVar(&o.DrainTimeout, "drain-timeout", d.DrainTimeout, "how long the consumer may take to catch up after producing")
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
