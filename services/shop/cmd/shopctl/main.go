// Command shopctl checks and exercises a running sagashop through its HTTP
// APIs.
//
//	shopctl verify [flags]   check the saga's invariants; exit 0 = all hold,
//	                         1 = a violation (the report says which), 2 = usage
//	                         or connection error
//	shopctl load [flags]     run buyers against the shop and print orders/s
//	                         and latency percentiles
//
// Run `shopctl verify -h` or `shopctl load -h` for the flags.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // zoneinfo for images without /usr/share/zoneinfo (FROM scratch)
)

// Exit codes.
const (
	exitOK        = 0
	exitViolation = 1
	exitUsage     = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: shopctl <command> [flags]

commands:
  verify   check every invariant of the saga against a running shop
  load     run N buyers placing, paying and abandoning orders

"shopctl <command> -h" lists a command's flags.
`

// run executes one shopctl command and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "verify":
		return verifyCmd(ctx, args[1:], stdout, stderr)
	case "load":
		return loadCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "shopctl: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
}

// endpoints are the flags every command shares.
type endpoints struct {
	order, inventory, payment string
	timeout                   time.Duration
}

func (e *endpoints) register(fs *flag.FlagSet) {
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: shopctl %s [flags]\n\nflags:\n", fs.Name())
		fs.PrintDefaults()
	}
	fs.StringVar(&e.order, "order", "http://127.0.0.1:8001", "order service base `URL`")
	fs.StringVar(&e.inventory, "inventory", "http://127.0.0.1:8002", "inventory service base `URL`")
	fs.StringVar(&e.payment, "payment", "http://127.0.0.1:8003", "payment service base `URL`")
	fs.DurationVar(&e.timeout, "http-timeout", 10*time.Second, "timeout of one HTTP call")
}

// parse parses args into fs; ok is false with the exit code to return when
// the command should not run (-h or a bad flag).
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, ok bool) {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "shopctl %s: unexpected arguments %q\n", fs.Name(), fs.Args())
		return exitUsage, false
	}
	return 0, true
}
