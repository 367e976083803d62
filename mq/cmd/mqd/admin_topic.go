package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/route"
)

// adminRun is what a subcommand does once its flags are parsed.
type adminRun = func(ctx context.Context, cl *admin.Client, out io.Writer) error

func topicListFlags(fs *flag.FlagSet) adminRun {
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		topics, err := cl.TopicList(ctx)
		if err != nil {
			return err
		}
		for _, t := range topics {
			fmt.Fprintln(out, t)
		}
		return nil
	}
}

func topicRouteFlags(fs *flag.FlagSet) adminRun {
	topic := fs.String("t", "", "topic `name` (required)")
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		if err := required(map[string]string{"t": *topic}); err != nil {
			return err
		}
		rd, err := cl.Route(ctx, *topic)
		if err != nil {
			return err
		}
		b, err := json.MarshalIndent(rd, "", "  ")
		if err != nil {
			return fmt.Errorf("encode route: %w", err)
		}
		fmt.Fprintf(out, "%s\n", b)
		return nil
	}
}

func updateTopicFlags(fs *flag.FlagSet) adminRun {
	topic := fs.String("t", "", "topic `name` (required)")
	cluster := fs.String("c", "", "create on every master of this `cluster`")
	brokerAddr := fs.String("b", "", "create on the broker at this `address` (instead of -c)")
	readQ := fs.Int("r", 8, "read queue `count`")
	writeQ := fs.Int("w", 8, "write queue `count`")
	perm := fs.Int("p", route.PermRead|route.PermWrite, "`perm`: 2 write, 4 read, 6 read+write")
	order := fs.String("o", "false", "order topic: `true or false`")
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		if err := required(map[string]string{"t": *topic}); err != nil {
			return err
		}
		target := *cluster
		switch {
		case *cluster == "" && *brokerAddr == "":
			return fmt.Errorf("%w: give -c CLUSTER or -b BROKERADDR", errUsage)
		case *cluster != "" && *brokerAddr != "":
			return fmt.Errorf("%w: give only one of -c and -b", errUsage)
		case *brokerAddr != "":
			target = *brokerAddr
		}
		isOrder, err := strconv.ParseBool(*order)
		if err != nil {
			return fmt.Errorf("%w: -o %q is not true or false", errUsage, *order)
		}
		if *readQ <= 0 || *writeQ <= 0 || *perm < 0 || *perm > 15 {
			return fmt.Errorf("%w: -r %d -w %d -p %d out of range", errUsage, *readQ, *writeQ, *perm)
		}
		tc := route.NewTopicConfig(*topic, *readQ, *perm)
		tc.WriteQueueNums, tc.Order = *writeQ, isOrder
		addrs, err := cl.CreateTopic(ctx, target, tc)
		for _, a := range addrs {
			fmt.Fprintf(out, "create topic to %s success.\n", a)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "TopicConfig [topicName=%s, readQueueNums=%d, writeQueueNums=%d, perm=%s, topicFilterType=%s, topicSysFlag=%d, order=%t]\n",
			tc.TopicName, tc.ReadQueueNums, tc.WriteQueueNums, permString(tc.Perm), tc.TopicFilterType, tc.TopicSysFlag, tc.Order)
		return nil
	}
}

// permString spells perm as mqadmin does: R, W and X (inherit) or '-'.
func permString(perm int) string {
	b := []byte("---")
	if perm&route.PermRead != 0 {
		b[0] = 'R'
	}
	if perm&route.PermWrite != 0 {
		b[1] = 'W'
	}
	if perm&route.PermInherit != 0 {
		b[2] = 'X'
	}
	return string(b)
}

func deleteTopicFlags(fs *flag.FlagSet) adminRun {
	topic := fs.String("t", "", "topic `name` (required)")
	cluster := fs.String("c", "", "delete from every master of this `cluster` (required)")
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		if err := required(map[string]string{"t": *topic, "c": *cluster}); err != nil {
			return err
		}
		if err := cl.DeleteTopic(ctx, *topic, *cluster); err != nil {
			return err
		}
		fmt.Fprintf(out, "delete topic [%s] from cluster [%s] success.\n", *topic, *cluster)
		fmt.Fprintf(out, "delete topic [%s] from NameServer success.\n", *topic)
		return nil
	}
}

func topicStatusFlags(fs *flag.FlagSet) adminRun {
	topic := fs.String("t", "", "topic `name` (required)")
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		if err := required(map[string]string{"t": *topic}); err != nil {
			return err
		}
		queues, err := cl.TopicStatus(ctx, *topic)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#Broker Name\t#QID\t#Min Offset\t#Max Offset\t#Last Updated")
		for _, q := range queues {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\n", q.BrokerName, q.QueueID, q.MinOffset, q.MaxOffset, millisString(q.LastUpdateTimestamp))
		}
		return tw.Flush()
	}
}

// millisString formats a millisecond timestamp as mqadmin does, or "-"
// for none.
func millisString(ms int64) string {
	if ms <= 0 {
		return "-"
	}
	return time.UnixMilli(ms).Format("2006-01-02 15:04:05,000")
}
