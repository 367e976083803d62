package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/route"
)

func queryDLQFlags(fs *flag.FlagSet) adminRun {
	group := fs.String("g", "", "consumer `group` whose %DLQ% topic to read (required)")
	count := fs.Int("c", 32, "show at most this many `messages`")
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		if err := required(map[string]string{"g": *group}); err != nil {
			return err
		}
		if *count <= 0 {
			return fmt.Errorf("%w: -c %d must be positive", errUsage, *count)
		}
		msgs, err := cl.QueryDLQ(ctx, *group, *count)
		if err != nil {
			return err
		}
		if len(msgs) == 0 {
			fmt.Fprintf(out, "no messages in %s\n", route.DLQTopic(*group))
			return nil
		}
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#QID\t#Offset\t#MsgId\t#Original Topic\t#Original OffsetID\t#Reconsume Times\t#Born Time\t#Body")
		for i := range msgs {
			m := &msgs[i]
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%d\t%s\t%s\n", m.QueueID, m.QueueOffset, m.MsgID(),
				orDash(m.Property(message.PropRetryTopic)), orDash(m.Property(message.PropOriginMessageID)),
				m.ReconsumeTimes, millisString(m.BornTimestamp), bodyPreview(m, previewRunes))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(out, "\n%d message(s) in %s\n", len(msgs), route.DLQTopic(*group))
		return nil
	}
}

func redriveDLQFlags(fs *flag.FlagSet) adminRun {
	group := fs.String("g", "", "consumer `group` whose %DLQ% topic to redrive (required)")
	topic := fs.String("t", "", "redrive only messages of this original `topic`; the others are passed over for good")
	maxSends := fs.Int("c", 0, "send at most this many `messages` (0: all)")
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		if err := required(map[string]string{"g": *group}); err != nil {
			return err
		}
		if *maxSends < 0 {
			return fmt.Errorf("%w: -c %d must not be negative", errUsage, *maxSends)
		}
		opts := admin.RedriveOptions{Topic: *topic, Max: *maxSends, OnMessage: func(rm admin.RedrivenMessage) {
			m := &rm.DLQ
			where := fmt.Sprintf("DLQ queue %d offset %d, MsgId %s", m.QueueID, m.QueueOffset, m.MsgID())
			switch rm.Skipped {
			case admin.NotSkipped:
				fmt.Fprintf(out, "redriven: %s -> %s (broker %s queue %d offset %d, %s)\n", where, rm.Topic,
					orDash(rm.Sent.BrokerName), rm.Sent.QueueID, rm.Sent.QueueOffset, rm.Sent.Status)
			case admin.SkipNoRetryTopic:
				fmt.Fprintf(out, "warning: %s has no RETRY_TOPIC property; skipped\n", where)
			default:
				fmt.Fprintf(out, "skipped: %s belongs to %s, not %s; the position moves past it\n", where, rm.Topic, *topic)
			}
		}}
		res, err := cl.RedriveDLQ(ctx, *group, opts)
		fmt.Fprintf(out, "redriven %d, skipped %d message(s) of %s; position kept under consumer group %s\n",
			res.Redriven, res.Skipped, route.DLQTopic(*group), *group+admin.RedriveGroupSuffix)
		return err
	}
}
