package main

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/hex"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/standalone"
)

// adminClient returns a library client of the cluster, closed when the
// test ends.
func adminClient(t *testing.T, c *standalone.Cluster) *admin.Client {
	t.Helper()
	cl, err := admin.New([]string{c.NamesrvAddr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}

// cliTopic creates a topic with n queues through mqd and waits until it
// is routed.
func cliTopic(t *testing.T, c *standalone.Cluster, topic string, n int) {
	t.Helper()
	q := strconv.Itoa(n)
	if code, _, errOut := mqd("admin", "updateTopic", "-n", c.NamesrvAddr, "-c", "DefaultCluster", "-t", topic, "-r", q, "-w", q); code != 0 {
		t.Fatalf("updateTopic exit %d: %s", code, errOut)
	}
	cl := adminClient(t, c)
	waitFor(t, "the route of "+topic, func() bool { _, err := cl.Route(context.Background(), topic); return err == nil })
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cliSend sends a message with `mqd admin sendMessage` and returns its
// UNIQ_KEY.
func cliSend(t *testing.T, ns string, args ...string) string {
	t.Helper()
	code, out, errOut := mqd(append([]string{"admin", "sendMessage", "-n", ns}, args...)...)
	rs := rows(out)
	if code != 0 || len(rs) != 2 || strings.Join(rs[0], " ") != "#Broker Name #QID #Send Result #MsgId" ||
		rs[1][0] != "broker-a" || rs[1][2] != "SEND_OK" || !regexp.MustCompile(`^[0-9A-F]{20}[0-9a-f]{12}$`).MatchString(rs[1][3]) {
		t.Fatalf("sendMessage %q: exit %d\n%s%s", args, code, out, errOut)
	}
	return rs[1][3]
}

// detail parses queryMsgById output into its fields.
func detail(t *testing.T, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if len(l) < 21 || l[20] != ' ' || !strings.HasSuffix(strings.TrimSpace(l[:20]), ":") {
			t.Fatalf("detail line %q is not `%%-20s %%s`", l)
		}
		m[strings.TrimSuffix(strings.TrimSpace(l[:20]), ":")] = l[21:]
	}
	return m
}

func TestAdminQueryAndConsume(t *testing.T) {
	c := startAdminCluster(t)
	ns := c.NamesrvAddr
	ctx := context.Background()
	cl := adminClient(t, c)
	const topic = "CliMsgTopic"
	cliTopic(t, c, topic, 2)

	first := cliSend(t, ns, "-t", topic, "-p", "hello world", "-k", "order-1 cust-9", "-c", "TagA", "-i", "0")
	second := cliSend(t, ns, "-t", topic, "-p", "second\tline", "-k", "order-2 cust-9", "-c", "TagB", "-i", "1")
	var zipped bytes.Buffer
	zw := zlib.NewWriter(&zipped)
	zw.Write([]byte("inflated text"))
	zw.Close()
	opts := admin.DefaultSendOptions()
	opts.QueueID = 1
	zres, err := cl.SendMessage(ctx, admin.OutgoingMessage{Topic: topic, Body: zipped.Bytes(), Compressed: true}, opts)
	if err != nil {
		t.Fatal(err)
	}
	bres, err := cl.SendMessage(ctx, admin.OutgoingMessage{Topic: topic, Body: []byte{0xff, 0xfe, 0x00}}, opts)
	if err != nil {
		t.Fatal(err)
	}

	code, out, errOut := mqd("admin", "queryMsgByUniqueKey", "-n", ns, "-t", topic, "-i", first)
	if code != 0 {
		t.Fatalf("queryMsgByUniqueKey exit %d: %s", code, errOut)
	}
	d := detail(t, out)
	wantKeys := []string{"OffsetID", "Topic", "Tags", "Keys", "Queue ID", "Queue Offset", "CommitLog Offset", "Reconsume Times",
		"Born Timestamp", "Store Timestamp", "Born Host", "Store Host", "System Flag", "Properties", "Message Body"}
	var gotKeys []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		gotKeys = append(gotKeys, strings.TrimSuffix(strings.TrimSpace(l[:20]), ":"))
	}
	if !slices.Equal(gotKeys, wantKeys) {
		t.Errorf("detail fields %q, want %q", gotKeys, wantKeys)
	}
	for k, want := range map[string]string{
		"Topic": topic, "Tags": "[TagA]", "Keys": "[order-1 cust-9]", "Queue ID": "0", "Queue Offset": "0",
		"CommitLog Offset": "0", "Reconsume Times": "0", "Store Host": c.BrokerAddr, "System Flag": "0", "Message Body": "hello world",
	} {
		if d[k] != want {
			t.Errorf("queryMsgByUniqueKey %s = %q, want %q", k, d[k], want)
		}
	}
	if !strings.Contains(d["Properties"], "UNIQ_KEY="+first) || !strings.Contains(d["Properties"], "KEYS=order-1 cust-9") {
		t.Errorf("Properties %q", d["Properties"])
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}$`).MatchString(d["Born Timestamp"]) {
		t.Errorf("Born Timestamp %q", d["Born Timestamp"])
	}
	byID := out
	code, out, errOut = mqd("admin", "queryMsgById", "-n", ns, "-i", d["OffsetID"])
	if code != 0 || out != byID {
		t.Errorf("queryMsgById %s: exit %d\n%s%s\nwant the same as by unique key:\n%s", d["OffsetID"], code, out, errOut, byID)
	}

	code, out, errOut = mqd("admin", "queryMsgById", "-n", ns, "-i", zres.OffsetMsgID+","+bres.OffsetMsgID)
	if code != 0 {
		t.Fatalf("queryMsgById of two: exit %d: %s", code, errOut)
	}
	parts := strings.Split(out, "\n\n")
	if len(parts) != 2 {
		t.Fatalf("queryMsgById of two printed:\n%s", out)
	}
	zd, bd := detail(t, parts[0]), detail(t, parts[1])
	if zd["System Flag"] != "1" || zd["Message Body"] != "(zlib-compressed) "+strconv.Itoa(zipped.Len())+" bytes: "+hex.EncodeToString(zipped.Bytes()) ||
		zd["Decompressed Body"] != "inflated text" {
		t.Errorf("compressed message: %q", zd)
	}
	if bd["Message Body"] != "(not UTF-8) 3 bytes: fffe00" {
		t.Errorf("binary body: %q", bd["Message Body"])
	}

	code, out, _ = mqd("admin", "queryMsgByKey", "-n", ns, "-t", topic, "-k", "cust-9")
	if got := rows(out); code != 0 || len(got) != 3 || strings.Join(got[0], " ") != "#Message ID #QID #Offset" ||
		!slices.Equal(got[1], []string{second, "1", "0"}) || !slices.Equal(got[2], []string{first, "0", "0"}) {
		t.Errorf("queryMsgByKey exit %d:\n%s", code, out)
	}
	code, out, _ = mqd("admin", "queryMsgByKey", "-n", ns, "-t", topic, "-k", "order-2", "-b", "0", "-e", strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10))
	if got := rows(out); code != 0 || len(got) != 2 || got[1][0] != second {
		t.Errorf("queryMsgByKey in a range exit %d:\n%s", code, out)
	}
	code, out, _ = mqd("admin", "queryMsgByKey", "-n", ns, "-t", topic, "-k", "nobody")
	if code != 0 || strings.TrimSpace(out) != "#Message ID  #QID  #Offset" {
		t.Errorf("queryMsgByKey without a match: exit %d:\n%s", code, out)
	}

	code, out, errOut = mqd("admin", "consumeMessage", "-n", ns, "-t", topic)
	got := rows(out)
	if code != 0 || len(got) != 5 || strings.Join(got[0], " ") != "#QID #Offset #MsgId #Tags #Keys #Body" {
		t.Fatalf("consumeMessage exit %d:\n%s%s", code, out, errOut)
	}
	want := [][]string{
		{"0", "0", first, "TagA", "order-1,cust-9", "hello", "world"},
		{"1", "0", second, "TagB", "order-2,cust-9", `second\tline`},
		{"1", "1", zres.MsgID, "-", "-", "inflated", "text"},
		{"1", "2", bres.MsgID, "-", "-", "0xfffe00"},
	}
	for i, w := range want {
		if !slices.Equal(got[i+1], w) {
			t.Errorf("consumeMessage row %d = %q, want %q", i+1, got[i+1], w)
		}
	}
	code, out, _ = mqd("admin", "consumeMessage", "-n", ns, "-t", topic, "-q", "1", "-o", "1", "-c", "1")
	if got := rows(out); code != 0 || len(got) != 2 || got[1][2] != zres.MsgID {
		t.Errorf("consumeMessage -q 1 -o 1 -c 1: exit %d:\n%s", code, out)
	}
	code, out, _ = mqd("admin", "consumeMessage", "-n", ns, "-t", topic, "-s", "TagB", "-g", "CliReader", "-commit")
	if got := rows(out); code != 0 || len(got) != 2 || got[1][2] != second {
		t.Errorf("consumeMessage -s TagB: exit %d:\n%s", code, out)
	}
	code, out, _ = mqd("admin", "consumerProgress", "-n", ns, "-g", "CliReader", "-t", topic)
	if code != 0 || !strings.HasSuffix(out, "\nDiff Total: 0\n") {
		t.Errorf("progress after consumeMessage -commit: exit %d:\n%s", code, out)
	}
	code, out, _ = mqd("admin", "consumerProgress", "-n", ns, "-g", "TOOLS_CONSUMER", "-t", topic)
	if code != 0 || !strings.HasSuffix(out, "\nDiff Total: 4\n") {
		t.Errorf("consumeMessage without -commit committed: exit %d\n%s", code, out)
	}
}

func TestAdminProducerConnection(t *testing.T) {
	c := startAdminCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := remoting.Dial(ctx, c.BrokerAddr, nil, remoting.ConnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	resp, err := conn.Invoke(ctx, remoting.NewRequest(remoting.HeartBeat, nil,
		[]byte(`{"clientID":"127.0.0.1@42","producerDataSet":[{"groupName":"CliPG"}],"consumerDataSet":[]}`)))
	if err == nil {
		err = resp.Err()
	}
	if err != nil {
		t.Fatalf("heartbeat: %v", err)
	}
	code, out, errOut := mqd("admin", "producerConnection", "-n", c.NamesrvAddr, "-g", "CliPG")
	got := rows(out)
	if code != 0 || len(got) != 2 || strings.Join(got[0], " ") != "#Id #ClientId #ProducerAddr #LastHeartbeat" ||
		got[1][0] != "1" || got[1][1] != "127.0.0.1@42" || got[1][2] != conn.LocalAddr().String() {
		t.Fatalf("producerConnection exit %d:\n%s%s", code, out, errOut)
	}
}
