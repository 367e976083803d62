package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/message"
)

// maxBodyHex is how many body bytes the detail view shows in hex.
const maxBodyHex = 4096

func queryMsgByIDFlags(fs *flag.FlagSet) adminRun {
	ids := fs.String("i", "", "offset message `ids`, ','-separated (required)")
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		if err := required(map[string]string{"i": *ids}); err != nil {
			return err
		}
		list := splitAddrs(*ids)
		for _, id := range list {
			if _, _, err := admin.ParseOffsetMsgID(id); err != nil {
				return fmt.Errorf("%w: %q is not an offset message id (a UNIQ_KEY, the id producers print, is found with queryMsgByUniqueKey -t TOPIC -i %s): %w",
					errUsage, id, id, err)
			}
		}
		var errs []error
		printed := 0
		for _, id := range list {
			m, err := cl.ViewMessage(ctx, id)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if printed > 0 {
				fmt.Fprintln(out)
			}
			printMessage(out, &m)
			printed++
		}
		return errors.Join(errs...)
	}
}

func queryMsgByKeyFlags(fs *flag.FlagSet) adminRun {
	topic := fs.String("t", "", "`topic` (required)")
	key := fs.String("k", "", "message `key` (required)")
	begin := fs.Int64("b", 0, "earliest store time, Unix `ms`")
	end := fs.Int64("e", 0, "latest store time, Unix `ms` (0: no limit)")
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		if err := required(map[string]string{"t": *topic, "k": *key}); err != nil {
			return err
		}
		if *begin < 0 || *end < 0 || *end != 0 && *end < *begin {
			return fmt.Errorf("%w: -b %d -e %d is not a time range", errUsage, *begin, *end)
		}
		msgs, err := cl.QueryMessageByKey(ctx, *topic, *key, admin.QueryOptions{Begin: *begin, End: *end})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#Message ID\t#QID\t#Offset")
		for i := range msgs {
			m := &msgs[i]
			fmt.Fprintf(tw, "%s\t%d\t%d\n", m.MsgID(), m.QueueID, m.QueueOffset)
		}
		return tw.Flush()
	}
}

func queryMsgByUniqueKeyFlags(fs *flag.FlagSet) adminRun {
	topic := fs.String("t", "", "`topic` (required)")
	id := fs.String("i", "", "the message's UNIQ_KEY, the `msgId` producers print (required)")
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		if err := required(map[string]string{"t": *topic, "i": *id}); err != nil {
			return err
		}
		m, err := cl.QueryMessageByUniqueKey(ctx, *topic, *id)
		if err != nil {
			return err
		}
		printMessage(out, &m)
		return nil
	}
}

// printMessage prints a message as mqadmin's queryMsgById does, with the
// body inline instead of in a file.
func printMessage(out io.Writer, m *admin.Message) {
	row := func(name string, v any) { fmt.Fprintf(out, "%-20s %v\n", name+":", v) }
	row("OffsetID", m.OffsetMsgID())
	row("Topic", m.Topic)
	row("Tags", "["+m.Property(message.PropTags)+"]")
	row("Keys", "["+m.Property(message.PropKeys)+"]")
	row("Queue ID", m.QueueID)
	row("Queue Offset", m.QueueOffset)
	row("CommitLog Offset", m.PhysicalOffset)
	row("Reconsume Times", m.ReconsumeTimes)
	row("Born Timestamp", millisString(m.BornTimestamp))
	row("Store Timestamp", millisString(m.StoreTimestamp))
	row("Born Host", m.BornHost)
	row("Store Host", m.StoreHost)
	row("System Flag", m.SysFlag)
	row("Properties", propertiesString(m.Properties))
	if !m.Compressed() {
		row("Message Body", bodyText(m.Body))
		return
	}
	row("Message Body", fmt.Sprintf("(zlib-compressed) %s", bodyHex(m.Body)))
	if b, err := m.InflatedBody(); err != nil {
		row("Decompressed Body", fmt.Sprintf("(%v)", err))
	} else {
		row("Decompressed Body", bodyText(b))
	}
}

// propertiesString spells properties as Java prints a map, sorted.
func propertiesString(props string) string {
	m := message.ParseProperties(props)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k + "=" + m[k])
	}
	b.WriteByte('}')
	return b.String()
}

// bodyText is a body as text when it is UTF-8, else in hex.
func bodyText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return "(not UTF-8) " + bodyHex(b)
}

// bodyHex is a body in hex with its size, cut at maxBodyHex bytes.
func bodyHex(b []byte) string {
	if len(b) <= maxBodyHex {
		return fmt.Sprintf("%d bytes: %s", len(b), hex.EncodeToString(b))
	}
	return fmt.Sprintf("%d bytes, the first %d: %s...", len(b), maxBodyHex, hex.EncodeToString(b[:maxBodyHex]))
}

// bodyPreview is the start of a message body on one line: up to n runes
// of text with control characters escaped, or hex when it is not UTF-8.
func bodyPreview(m *admin.Message, n int) string {
	b, err := m.InflatedBody()
	if err != nil {
		b = m.Body
	}
	if !utf8.Valid(b) {
		if len(b) > n/2 {
			return "0x" + hex.EncodeToString(b[:n/2]) + "..."
		}
		return "0x" + hex.EncodeToString(b)
	}
	s, cut := string(b), false
	if utf8.RuneCountInString(s) > n {
		s, cut = string([]rune(s)[:n]), true
	}
	q := strconv.Quote(s)
	q = q[1 : len(q)-1]
	if cut {
		q += "..."
	}
	if q == "" {
		return "-"
	}
	return q
}

// orDash is s, or "-" when it is empty, to keep table columns apart.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
