package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/sagashop/sagashop/mq/admin"
)

func consumerProgressFlags(fs *flag.FlagSet) adminRun {
	group := fs.String("g", "", "consumer `group` (required)")
	topic := fs.String("t", "", "only this `topic`")
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		if err := required(map[string]string{"g": *group}); err != nil {
			return err
		}
		cs, err := cl.ConsumerProgress(ctx, *group, *topic)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#Topic\t#Broker Name\t#QID\t#Broker Offset\t#Consumer Offset\t#Diff\t#LastTime")
		var total int64
		for _, q := range cs.Queues {
			total += q.Lag()
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%s\n", q.Topic, q.BrokerName, q.QueueID,
				q.BrokerOffset, q.ConsumerOffset, q.Lag(), millisString(q.LastTimestamp))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(out, "\nDiff Total: %d\n", total)
		return nil
	}
}

func consumerConnectionFlags(fs *flag.FlagSet) adminRun {
	group := fs.String("g", "", "consumer `group` (required)")
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		if err := required(map[string]string{"g": *group}); err != nil {
			return err
		}
		cc, err := cl.ConsumerConnections(ctx, *group)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#Id\t#ClientId\t#ConsumerAddr\t#LastSeen")
		for i, c := range cc.Connections {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", i+1, c.ClientID, c.ClientAddr, millisString(c.LastSeen))
		}
		fmt.Fprintln(tw, "\nBelow is subscription:")
		fmt.Fprintln(tw, "#Id\t#Topic\t#SubExpression")
		for i, s := range cc.Subscriptions {
			fmt.Fprintf(tw, "%d\t%s\t%s\n", i+1, s.Topic, s.SubString)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(out, "\nConsumeType: %s\nMessageModel: %s\nConsumeFromWhere: %s\n", cc.ConsumeType, cc.MessageModel, cc.ConsumeFromWhere)
		return nil
	}
}

func producerConnectionFlags(fs *flag.FlagSet) adminRun {
	group := fs.String("g", "", "producer `group` (required)")
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		if err := required(map[string]string{"g": *group}); err != nil {
			return err
		}
		pc, err := cl.ProducerConnections(ctx, *group)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#Id\t#ClientId\t#ProducerAddr\t#LastHeartbeat")
		for i, c := range pc.Connections {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", i+1, c.ClientID, c.ClientAddr, millisString(c.LastSeen))
		}
		return tw.Flush()
	}
}
