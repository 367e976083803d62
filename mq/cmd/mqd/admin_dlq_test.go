package main

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
)

// killMessage moves a stored message straight to group's DLQ with a raw
// CONSUMER_SEND_MSG_BACK of delay level -1, as an orderly consumer does
// once it gives up on a message.
func killMessage(t *testing.T, brokerAddr, group string, m admin.Message) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := remoting.Dial(ctx, brokerAddr, nil, remoting.ConnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	resp, err := conn.Invoke(ctx, remoting.NewRequest(remoting.ConsumerSendMsgBack, map[string]string{
		"group": group, "offset": strconv.FormatInt(m.PhysicalOffset, 10), "delayLevel": "-1",
		"originMsgId": m.MsgID(), "originTopic": m.Topic, "unitMode": "false", "maxReconsumeTimes": "16",
	}, nil))
	if err == nil {
		err = resp.Err()
	}
	if err != nil {
		t.Fatalf("send back %s: %v", m.MsgID(), err)
	}
}

func TestAdminRedriveDLQ(t *testing.T) {
	c := startAdminCluster(t)
	ns := c.NamesrvAddr
	ctx := context.Background()
	cl := adminClient(t, c)
	const topic, group = "CliDLQTopic", "CliDLQGroup"
	cliTopic(t, c, topic, 2)

	code, out, errOut := mqd("admin", "queryDLQ", "-n", ns, "-g", group)
	if code != 0 || out != "no messages in %DLQ%"+group+"\n" {
		t.Fatalf("queryDLQ of an absent DLQ: exit %d\n%s%s", code, out, errOut)
	}
	ids := []string{
		cliSend(t, ns, "-t", topic, "-p", "doomed one", "-k", "k1", "-c", "TagD"),
		cliSend(t, ns, "-t", topic, "-p", "doomed two", "-k", "k2 k3"),
	}
	orig := map[string]admin.Message{}
	for _, id := range ids {
		m, err := cl.QueryMessageByUniqueKey(ctx, topic, id)
		if err != nil {
			t.Fatal(err)
		}
		orig[id] = m
		killMessage(t, c.BrokerAddr, group, m)
	}

	var got [][]string
	waitFor(t, "the DLQ in queryDLQ", func() bool {
		code, out, _ = mqd("admin", "queryDLQ", "-n", ns, "-g", group)
		got = rows(out)
		return code == 0 && len(got) == 4
	})
	if h := strings.Join(got[0], " "); h != "#QID #Offset #MsgId #Original Topic #Original OffsetID #Reconsume Times #Born Time #Body" {
		t.Fatalf("queryDLQ header %q", h)
	}
	for i, id := range ids {
		r := got[i+1]
		if r[0] != "0" || r[1] != strconv.Itoa(i) || r[2] != id || r[3] != topic || r[4] != orig[id].OffsetMsgID() || r[5] != "1" ||
			strings.Join(r[8:], " ") != string(orig[id].Body) {
			t.Errorf("queryDLQ row %d = %q", i+1, r)
		}
	}
	if !strings.HasSuffix(out, "\n2 message(s) in %DLQ%"+group+"\n") {
		t.Errorf("queryDLQ total:\n%s", out)
	}

	code, out, errOut = mqd("admin", "redriveDLQ", "-n", ns, "-g", group)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 {
		t.Fatalf("redriveDLQ exit %d:\n%s%s", code, out, errOut)
	}
	for i, id := range ids {
		if want := "redriven: DLQ queue 0 offset " + strconv.Itoa(i) + ", MsgId " + id + " -> " + topic + " (broker broker-a queue "; !strings.HasPrefix(lines[i], want) ||
			!strings.HasSuffix(lines[i], ", SEND_OK)") {
			t.Errorf("redriveDLQ line %q, want %q...", lines[i], want)
		}
	}
	if want := "redriven 2, skipped 0 message(s) of %DLQ%" + group + "; position kept under consumer group " + group + "_REDRIVE"; lines[2] != want {
		t.Errorf("redriveDLQ total %q, want %q", lines[2], want)
	}

	// Each message is now in the topic twice: sent and redriven, with the
	// same UNIQ_KEY, body, keys and tag and no DLQ bookkeeping.
	msgs, err := cl.ConsumeMessages(ctx, topic, admin.DefaultConsumeOptions())
	if err != nil || len(msgs) != 4 {
		t.Fatalf("%s holds %d messages, %v", topic, len(msgs), err)
	}
	copies := map[string]int{}
	for i := range msgs {
		m := &msgs[i]
		o := orig[m.MsgID()]
		copies[m.MsgID()]++
		if string(m.Body) != string(o.Body) || m.Property(message.PropKeys) != o.Property(message.PropKeys) ||
			m.Property(message.PropTags) != o.Property(message.PropTags) || m.Property(message.PropRetryTopic) != "" ||
			m.Property(message.PropOriginMessageID) != "" || m.ReconsumeTimes != 0 {
			t.Errorf("%s holds %q with properties %q, reconsume %d", topic, m.Body, m.Properties, m.ReconsumeTimes)
		}
	}
	for _, id := range ids {
		if copies[id] != 2 {
			t.Errorf("%s is in %s %d times, want 2", id, topic, copies[id])
		}
	}

	code, out, _ = mqd("admin", "redriveDLQ", "-n", ns, "-g", group)
	if want := "redriven 0, skipped 0 message(s) of %DLQ%" + group + "; position kept under consumer group " + group + "_REDRIVE\n"; code != 0 || out != want {
		t.Errorf("second redriveDLQ: exit %d\n%s\nwant\n%s", code, out, want)
	}
	if msgs, err := cl.ConsumeMessages(ctx, topic, admin.DefaultConsumeOptions()); err != nil || len(msgs) != 4 {
		t.Errorf("after the second redrive %s holds %d messages, %v", topic, len(msgs), err)
	}
	// The DLQ itself keeps its messages.
	if code, out, _ = mqd("admin", "queryDLQ", "-n", ns, "-g", group); code != 0 || len(rows(out)) != 4 {
		t.Errorf("queryDLQ after the redrive: exit %d\n%s", code, out)
	}

	// -t passes other topics' messages over, and says so.
	const other = "CliDLQOther"
	cliTopic(t, c, other, 1)
	stray := cliSend(t, ns, "-t", other, "-p", "stray")
	m, err := cl.QueryMessageByUniqueKey(ctx, other, stray)
	if err != nil {
		t.Fatal(err)
	}
	killMessage(t, c.BrokerAddr, group, m)
	code, out, _ = mqd("admin", "redriveDLQ", "-n", ns, "-g", group, "-t", topic)
	want := "skipped: DLQ queue 0 offset 2, MsgId " + stray + " belongs to " + other + ", not " + topic + "; the position moves past it\n" +
		"redriven 0, skipped 1 message(s) of %DLQ%" + group + "; position kept under consumer group " + group + "_REDRIVE\n"
	if code != 0 || out != want {
		t.Errorf("redriveDLQ -t: exit %d\n%s\nwant\n%s", code, out, want)
	}
}

func TestAdminMessageBadInput(t *testing.T) {
	c := startAdminCluster(t)
	ns := c.NamesrvAddr
	cliTopic(t, c, "BadInputTopic", 2)
	uniq := cliSend(t, ns, "-t", "BadInputTopic", "-p", "x")
	// An offset id of this broker at an offset where nothing is stored.
	nowhere := message.OffsetMsgID(netip.MustParseAddrPort(c.BrokerAddr), 1<<30)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // substring
	}{
		{"queryMsgById of a UNIQ_KEY", []string{"queryMsgById", "-i", uniq}, 2, "queryMsgByUniqueKey -t TOPIC -i " + uniq},
		{"queryMsgById of junk", []string{"queryMsgById", "-i", "xyz"}, 2, "not an offset message id"},
		{"queryMsgById of one good, one junk id", []string{"queryMsgById", "-i", nowhere + ",xyz"}, 2, `"xyz"`},
		{"queryMsgById without -i", []string{"queryMsgById"}, 2, "missing -i"},
		{"queryMsgById of nothing stored", []string{"queryMsgById", "-i", nowhere}, 1, "no message at offset 1073741824"},
		{"queryMsgByKey without -k", []string{"queryMsgByKey", "-t", "BadInputTopic"}, 2, "missing -k"},
		{"queryMsgByKey backwards range", []string{"queryMsgByKey", "-t", "BadInputTopic", "-k", "a", "-b", "5", "-e", "1"}, 2, "time range"},
		{"queryMsgByKey bad -b", []string{"queryMsgByKey", "-t", "BadInputTopic", "-k", "a", "-b", "soon"}, 2, "-b"},
		{"queryMsgByKey unknown topic", []string{"queryMsgByKey", "-t", "NoSuchTopic", "-k", "a"}, 1, "topic not found"},
		{"queryMsgByUniqueKey not found", []string{"queryMsgByUniqueKey", "-t", "BadInputTopic", "-i", "C0000000000000000000000000000000"}, 1,
			"message not found: topic BadInputTopic has no message with UNIQ_KEY C0000000000000000000000000000000"},
		{"queryMsgByUniqueKey without -t", []string{"queryMsgByUniqueKey", "-i", uniq}, 2, "missing -t"},
		{"sendMessage without -p", []string{"sendMessage", "-t", "BadInputTopic"}, 2, "missing -p"},
		{"sendMessage bad delay level", []string{"sendMessage", "-t", "BadInputTopic", "-p", "x", "-d", "soon"}, 1,
			`MESSAGE_ILLEGAL: the DELAY property "soon" is not a delay level`},
		{"sendMessage queue out of range", []string{"sendMessage", "-t", "BadInputTopic", "-p", "x", "-i", "9"}, 1, "queueId[9] is illegal"},
		{"sendMessage bad -i", []string{"sendMessage", "-t", "BadInputTopic", "-p", "x", "-i", "one"}, 2, "-i"},
		{"sendMessage broker down", []string{"sendMessage", "-t", "BadInputTopic", "-p", "x", "-b", "127.0.0.1:1"}, 1, "127.0.0.1:1"},
		{"consumeMessage without -t", []string{"consumeMessage"}, 2, "missing -t"},
		{"consumeMessage -commit without -g", []string{"consumeMessage", "-t", "BadInputTopic", "-commit"}, 2, "-commit needs -g"},
		{"consumeMessage -c 0", []string{"consumeMessage", "-t", "BadInputTopic", "-c", "0"}, 2, "-c 0"},
		{"consumeMessage unknown topic", []string{"consumeMessage", "-t", "NoSuchTopic"}, 1, "topic not found"},
		{"consumeMessage unknown queue", []string{"consumeMessage", "-t", "BadInputTopic", "-q", "7"}, 1, "no read queue 7"},
		{"queryDLQ without -g", []string{"queryDLQ"}, 2, "missing -g"},
		{"queryDLQ bad group", []string{"queryDLQ", "-g", "a b"}, 1, "bad name"},
		{"redriveDLQ without -g", []string{"redriveDLQ"}, 2, "missing -g"},
		{"redriveDLQ negative -c", []string{"redriveDLQ", "-g", "G", "-c", "-1"}, 2, "-c -1"},
		{"producerConnection without -g", []string{"producerConnection"}, 2, "missing -g"},
		{"producerConnection of nobody", []string{"producerConnection", "-g", "NobodyPG"}, 1, "producer group not online"},
		{"unknown flag", []string{"queryDLQ", "-g", "G", "-z"}, 2, "-z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"admin", tt.args[0], "-n", ns, "-timeout", "2s"}, tt.args[1:]...)
			code, out, errOut := mqd(args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q does not contain %q", errOut, tt.stderr)
			}
		})
	}
}
