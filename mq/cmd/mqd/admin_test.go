package main

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"

	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/standalone"
)

// startAdminCluster runs a NameServer and a Broker on loopback ports
// until the test ends.
func startAdminCluster(t *testing.T) *standalone.Cluster {
	t.Helper()
	rlog.SetLogLevel("error")
	b := broker.DefaultOptions()
	b.Config.StorePathRootDir = t.TempDir()
	c, err := standalone.Start(standalone.Options{NamesrvListen: "127.0.0.1:0", BrokerListen: "127.0.0.1:0", Broker: b})
	if err != nil {
		t.Fatalf("start cluster: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// mqd runs the command line and returns its exit code and output.
func mqd(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// adminSend sends n messages to topic with the official Go producer.
func adminSend(t *testing.T, nsAddr, topic string, n int) {
	t.Helper()
	p, err := rocketmq.NewProducer(producer.WithNsResolver(primitive.NewPassthroughResolver([]string{nsAddr})),
		producer.WithRetry(2), producer.WithGroupName("mqd_admin_test"))
	if err != nil {
		t.Fatalf("NewProducer: %v", err)
	}
	if err := p.Start(); err != nil {
		t.Fatalf("producer Start: %v", err)
	}
	defer p.Shutdown()
	for i := range n {
		if _, err := p.SendSync(context.Background(), primitive.NewMessage(topic, []byte("m"+strconv.Itoa(i)))); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
}

// adminCommit stores a consumer group's offset on one queue.
func adminCommit(t *testing.T, brokerAddr, group, topic string, q int, off int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := remoting.Dial(ctx, brokerAddr, nil, remoting.ConnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	resp, err := c.Invoke(ctx, remoting.NewRequest(remoting.UpdateConsumerOffset, map[string]string{
		"consumerGroup": group, "topic": topic, "queueId": strconv.Itoa(q), "commitOffset": strconv.FormatInt(off, 10),
	}, nil))
	if err == nil {
		err = resp.Err()
	}
	if err != nil {
		t.Fatalf("commit offset: %v", err)
	}
}

// rows splits table output into non-blank lines of whitespace-separated
// cells.
func rows(out string) [][]string {
	var rs [][]string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			rs = append(rs, f)
		}
	}
	return rs
}

func TestAdminTopicWorkflow(t *testing.T) {
	c := startAdminCluster(t)
	ns := c.NamesrvAddr
	const topic = "CliTopic"

	code, out, errOut := mqd("admin", "updateTopic", "-n", ns, "-c", "DefaultCluster", "-t", topic, "-r", "4", "-w", "4")
	if code != 0 {
		t.Fatalf("updateTopic exit %d: %s", code, errOut)
	}
	wantOut := "create topic to " + c.BrokerAddr + " success.\n" +
		"TopicConfig [topicName=CliTopic, readQueueNums=4, writeQueueNums=4, perm=RW-, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=false]\n"
	if out != wantOut {
		t.Fatalf("updateTopic printed\n%s\nwant\n%s", out, wantOut)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, out, _ = mqd("admin", "topicList", "-n", ns)
		if slices.Contains(strings.Split(out, "\n"), topic) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("topicList never showed %s:\n%s", topic, out)
		}
		time.Sleep(20 * time.Millisecond)
	}

	adminSend(t, ns, topic, 8)
	code, out, errOut = mqd("admin", "topicStatus", "-n", ns, "-t", topic)
	if code != 0 {
		t.Fatalf("topicStatus exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "#Broker Name  #QID  #Min Offset  #Max Offset  #Last Updated") {
		t.Fatalf("topicStatus printed:\n%s", out)
	}
	col := strings.Index(lines[0], "#Max Offset")
	var total int
	for i, l := range lines[1:] {
		f := strings.Fields(l)
		if f[0] != "broker-a" || f[1] != strconv.Itoa(i) || f[2] != "0" {
			t.Errorf("row %d: %q", i, l)
		}
		if !strings.HasPrefix(l[col:], f[3]) {
			t.Errorf("row %d is not aligned under #Max Offset: %q", i, l)
		}
		n, _ := strconv.Atoi(f[3])
		total += n
	}
	if total != 8 {
		t.Errorf("topicStatus max offsets add up to %d, want 8", total)
	}

	adminCommit(t, c.BrokerAddr, "CliGroup", topic, 0, 1)
	code, out, errOut = mqd("admin", "consumerProgress", "-n", ns, "-g", "CliGroup", "-t", topic)
	if code != 0 {
		t.Fatalf("consumerProgress exit %d: %s", code, errOut)
	}
	rs := rows(out)
	if got := strings.Join(rs[0], " "); got != "#Topic #Broker Name #QID #Broker Offset #Consumer Offset #Diff #LastTime" {
		t.Fatalf("consumerProgress header %q", got)
	}
	if len(rs) != 6 || !strings.HasSuffix(out, "\nDiff Total: 7\n") {
		t.Fatalf("consumerProgress printed:\n%s", out)
	}
	if rs[1][0] != topic || rs[1][2] != "0" || rs[1][4] != "1" || !regexp.MustCompile(`^\d{4}-\d\d-\d\d$`).MatchString(rs[1][6]) {
		t.Errorf("queue 0 row %q", rs[1])
	}

	code, out, _ = mqd("admin", "clusterList", "-n", ns)
	if code != 0 || !regexp.MustCompile(`(?m)^DefaultCluster +broker-a +0 +`+regexp.QuoteMeta(c.BrokerAddr)+`$`).MatchString(out) {
		t.Fatalf("clusterList exit %d:\n%s", code, out)
	}

	code, out, errOut = mqd("admin", "deleteTopic", "-n", ns, "-t", topic, "-c", "DefaultCluster")
	if code != 0 || out != "delete topic [CliTopic] from cluster [DefaultCluster] success.\ndelete topic [CliTopic] from NameServer success.\n" {
		t.Fatalf("deleteTopic exit %d:\n%s%s", code, out, errOut)
	}
	code, _, errOut = mqd("admin", "topicStatus", "-n", ns, "-t", topic)
	if code != 1 || !strings.Contains(errOut, `topic not found: "CliTopic"`) {
		t.Fatalf("topicStatus of a deleted topic: exit %d, stderr %q", code, errOut)
	}
}

func TestAdminBadInput(t *testing.T) {
	c := startAdminCluster(t)
	ns := c.NamesrvAddr
	tests := []struct {
		name    string
		args    []string
		code    int
		stdout  string // substring
		stderr  string // substring
		setenvs map[string]string
	}{
		{name: "help lists subcommands", args: []string{"-h"}, code: 0, stdout: "consumerProgress"},
		{name: "no subcommand", args: nil, code: 2, stderr: "needs a subcommand"},
		{name: "unknown subcommand", args: []string{"fooBar"}, code: 2, stderr: `unknown admin subcommand "fooBar"`},
		{name: "unknown flag", args: []string{"topicList", "-n", ns, "-x"}, code: 2, stderr: "-x"},
		{name: "subcommand help", args: []string{"updateTopic", "-h"}, code: 0, stderr: "read queue"},
		{name: "topicStatus without -t", args: []string{"topicStatus", "-n", ns}, code: 2, stderr: "missing -t"},
		{name: "updateTopic without -t", args: []string{"updateTopic", "-n", ns, "-c", "DefaultCluster"}, code: 2, stderr: "missing -t"},
		{name: "updateTopic without target", args: []string{"updateTopic", "-n", ns, "-t", "T"}, code: 2, stderr: "-c CLUSTER or -b"},
		{name: "updateTopic bad -o", args: []string{"updateTopic", "-n", ns, "-t", "T", "-c", "DefaultCluster", "-o", "maybe"}, code: 2, stderr: "-o"},
		{name: "updateTopic unknown cluster", args: []string{"updateTopic", "-n", ns, "-t", "T", "-c", "Nope"}, code: 1, stderr: "cluster not found"},
		{name: "deleteTopic without -c", args: []string{"deleteTopic", "-n", ns, "-t", "T"}, code: 2, stderr: "missing -c"},
		{name: "consumerProgress without -g", args: []string{"consumerProgress", "-n", ns}, code: 2, stderr: "missing -g"},
		{name: "consumerProgress unknown group", args: []string{"consumerProgress", "-n", ns, "-g", "Nobody"}, code: 1, stderr: "no consume stats"},
		{name: "unknown topic status", args: []string{"topicStatus", "-n", ns, "-t", "NoSuchTopic"}, code: 1,
			stderr: `topic not found: "NoSuchTopic": remoting: response TOPIC_NOT_EXIST`},
		{name: "extra argument", args: []string{"topicList", "-n", ns, "extra"}, code: 2, stderr: "unexpected argument"},
		{name: "NAMESRV_ADDR", args: []string{"clusterList"}, code: 0, stdout: "DefaultCluster", setenvs: map[string]string{"NAMESRV_ADDR": ns}},
		{name: "NameServer down", args: []string{"topicList", "-n", "127.0.0.1:1"}, code: 1, stderr: "no NameServer answered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.setenvs {
				t.Setenv(k, v)
			}
			code, out, errOut := mqd(append([]string{"admin"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			if !strings.Contains(out, tt.stdout) {
				t.Errorf("stdout %q does not contain %q", out, tt.stdout)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q does not contain %q", errOut, tt.stderr)
			}
		})
	}
}
