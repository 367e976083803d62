package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/message"
)

// previewRunes is how much of a body the message lists show.
const previewRunes = 80

func sendMessageFlags(fs *flag.FlagSet) adminRun {
	topic := fs.String("t", "", "`topic` (required)")
	body := fs.String("p", "", "message `body` (required)")
	keys := fs.String("k", "", "message `keys`, space-separated")
	tags := fs.String("c", "", "message `tag`")
	delay := fs.String("d", "", "delay `level` (the broker's levels, 1 = 1s ... 18 = 2h by default)")
	brokerAddr := fs.String("b", "", "send to the broker at this `address` instead of the route's first master")
	queueID := fs.Int("i", -1, "`queue` id (default: one at random)")
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		if err := required(map[string]string{"t": *topic, "p": *body}); err != nil {
			return err
		}
		m := admin.OutgoingMessage{Topic: *topic, Body: []byte(*body), Tags: *tags, Keys: strings.Fields(*keys)}
		if *delay != "" {
			if n, err := strconv.Atoi(*delay); err == nil {
				m.DelayLevel = n
			} else {
				// Only the broker knows its level table: let it judge.
				m.Properties = map[string]string{message.PropDelayLevel: *delay}
			}
		}
		opts := admin.DefaultSendOptions()
		opts.BrokerAddr, opts.QueueID = *brokerAddr, *queueID
		res, err := cl.SendMessage(ctx, m, opts)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#Broker Name\t#QID\t#Send Result\t#MsgId")
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", orDash(res.BrokerName), res.QueueID, res.Status, res.MsgID)
		return tw.Flush()
	}
}

func consumeMessageFlags(fs *flag.FlagSet) adminRun {
	topic := fs.String("t", "", "`topic` (required)")
	group := fs.String("g", "", "consumer `group` the pulls name (default "+admin.ToolsConsumerGroup+")")
	offset := fs.Int64("o", -1, "start `offset` on each queue (default: each queue's min offset)")
	queueID := fs.Int("q", -1, "read only this `queue` id (default: all)")
	count := fs.Int("c", 32, "stop after this many `messages`")
	expr := fs.String("s", "*", "tag `expression`, e.g. 'TagA || TagB'")
	commit := fs.Bool("commit", false, "store the position reached on each queue under -g")
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		if err := required(map[string]string{"t": *topic}); err != nil {
			return err
		}
		if *count <= 0 {
			return fmt.Errorf("%w: -c %d must be positive", errUsage, *count)
		}
		if *commit && *group == "" {
			return fmt.Errorf("%w: -commit needs -g GROUP", errUsage)
		}
		opts := admin.DefaultConsumeOptions()
		if *group != "" {
			opts.Group = *group
		}
		opts.Offset, opts.QueueID, opts.Count, opts.Expression, opts.Commit = *offset, *queueID, *count, *expr, *commit
		msgs, err := cl.ConsumeMessages(ctx, *topic, opts)
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#QID\t#Offset\t#MsgId\t#Tags\t#Keys\t#Body")
		for i := range msgs {
			m := &msgs[i]
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\n", m.QueueID, m.QueueOffset, m.MsgID(),
				orDash(m.Property(message.PropTags)), orDash(strings.Join(m.Keys(), ",")), bodyPreview(m, previewRunes))
		}
		if ferr := tw.Flush(); err == nil {
			err = ferr
		}
		return err
	}
}
