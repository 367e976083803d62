package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
)

// adminCommand is one `mqd admin` subcommand, named as in mqadmin.
type adminCommand struct {
	name    string
	summary string
	// flags registers the subcommand's own flags; run is called after
	// parsing with a connected client.
	flags func(fs *flag.FlagSet) adminRun
}

// adminCommands lists the subcommands in the order `mqd admin -h` shows.
var adminCommands = []adminCommand{
	{"clusterList", "list the clusters and their brokers", clusterListFlags},
	{"topicList", "list every topic the NameServer routes", topicListFlags},
	{"topicRoute", "print a topic's route as JSON", topicRouteFlags},
	{"updateTopic", "create or update a topic on a cluster or a broker", updateTopicFlags},
	{"deleteTopic", "delete a topic from a cluster and the NameServers", deleteTopicFlags},
	{"topicStatus", "print the offsets of every queue of a topic", topicStatusFlags},
	{"consumerProgress", "print a consumer group's offsets and lag per queue", consumerProgressFlags},
	{"consumerConnection", "print the online clients of a consumer group", consumerConnectionFlags},
	{"producerConnection", "print the connected clients of a producer group", producerConnectionFlags},
	{"queryMsgById", "print a message by its offset message id", queryMsgByIDFlags},
	{"queryMsgByKey", "list the messages of a topic with a key", queryMsgByKeyFlags},
	{"queryMsgByUniqueKey", "print a message by its UNIQ_KEY (the msgId producers print)", queryMsgByUniqueKeyFlags},
	{"sendMessage", "send one message", sendMessageFlags},
	{"consumeMessage", "print the messages of a topic, without waiting for new ones", consumeMessageFlags},
	{"queryDLQ", "print the messages in a consumer group's dead-letter queue", queryDLQFlags},
	{"redriveDLQ", "send a group's dead-letter messages back to their topics, once each", redriveDLQFlags},
}

func adminUsage(w io.Writer) {
	fmt.Fprint(w, "usage: mqd admin <subcommand> [-n NAMESRV] [flags]\n\nsubcommands:\n")
	for _, c := range adminCommands {
		fmt.Fprintf(w, "  %-20s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\n-n defaults to $NAMESRV_ADDR, else 127.0.0.1:9876; separate several with ';'.\n"+
		"Run \"mqd admin <subcommand> -h\" for its flags.\n")
}

// runAdmin runs `mqd admin SUBCOMMAND [flags]`.
func runAdmin(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		adminUsage(stderr)
		return fmt.Errorf("%w: mqd admin needs a subcommand", errUsage)
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		adminUsage(stdout)
		return nil
	}
	var cmd *adminCommand
	for i := range adminCommands {
		if strings.EqualFold(adminCommands[i].name, args[0]) {
			cmd = &adminCommands[i]
		}
	}
	if cmd == nil {
		adminUsage(stderr)
		return fmt.Errorf("%w: unknown admin subcommand %q", errUsage, args[0])
	}
	fs := flag.NewFlagSet("mqd admin "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	ns := fs.String("n", defaultNamesrv(), "NameServer `addresses`, ';'-separated")
	timeout := fs.Duration("timeout", 5*time.Second, "timeout of each request")
	run := cmd.flags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	cl, err := admin.New(splitAddrs(*ns), admin.WithTimeout(*timeout))
	if err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	defer cl.Close()
	return run(context.Background(), cl, stdout)
}

// defaultNamesrv is $NAMESRV_ADDR, as mqadmin reads it, or the local
// default.
func defaultNamesrv() string {
	if v := os.Getenv("NAMESRV_ADDR"); v != "" {
		return v
	}
	return "127.0.0.1:9876"
}

// splitAddrs splits a ';'- or ','-separated address list.
func splitAddrs(s string) []string {
	var out []string
	for _, a := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// required returns a usage error naming the flags that are empty.
func required(flags map[string]string) error {
	var missing []string
	for name, v := range flags {
		if v == "" {
			missing = append(missing, "-"+name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	return fmt.Errorf("%w: missing %s", errUsage, strings.Join(missing, ", "))
}
