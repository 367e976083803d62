// Command mqd is sagashop's message broker: a RocketMQ 4.x compatible
// NameServer and Broker, an admin CLI and a load tool.
//
//	mqd standalone [flags]        NameServer and Broker in one process
//	mqd namesrv [flags]           the NameServer alone
//	mqd broker -namesrv ADDR ...  the Broker alone
//	mqd admin COMMAND [flags]     cluster, topic, consumer and message administration (mqd admin -h)
//	mqd bench [flags]             a load generator speaking the protocol
//	mqd -healthcheck ADDR         exit 0 when ADDR accepts a TCP connection
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	_ "time/tzdata" // zoneinfo for images without /usr/share/zoneinfo (FROM scratch)
)

const usage = `usage: mqd <command> [flags]

commands:
  standalone   run a NameServer and a Broker in one process
  namesrv      run a NameServer
  broker       run a Broker
  admin        administer a cluster (mqd admin -h lists the subcommands)
  bench        generate load against a broker and report throughput and latency

Run "mqd <command> -h" for the flags of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a command and returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "standalone":
		err = runStandalone(args[1:], stderr)
	case "namesrv":
		err = runNamesrv(args[1:], stderr)
	case "broker":
		err = runBroker(args[1:], stderr)
	case "admin":
		err = runAdmin(args[1:], stdout, stderr)
	case "bench":
		err = runBench(args[1:], stdout, stderr)
	case "-healthcheck", "--healthcheck":
		err = runHealthcheck(args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "mqd: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintln(stderr, "mqd:", err)
		return 2
	default:
		fmt.Fprintln(stderr, "mqd:", err)
		return 1
	}
}

// errUsage marks errors in the command line itself.
var errUsage = errors.New("usage")
