package admin

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// killMessage moves a stored message straight to group's DLQ, as an
// orderly consumer does past its retries: CONSUMER_SEND_MSG_BACK with
// delay level -1.
func killMessage(t *testing.T, cl *Client, group string, sent SendResult, topic string) {
	t.Helper()
	_, off, err := ParseOffsetMsgID(sent.OffsetMsgID)
	if err != nil {
		t.Fatal(err)
	}
	req := remoting.NewRequest(remoting.ConsumerSendMsgBack, map[string]string{
		"group": group, "offset": strconv.FormatInt(off, 10), "delayLevel": "-1", "originMsgId": sent.MsgID,
		"originTopic": topic, "unitMode": "false", "maxReconsumeTimes": "16",
	}, nil)
	if _, err := cl.invoke(context.Background(), sent.BrokerAddr, req); err != nil {
		t.Fatalf("send back %s: %v", sent.MsgID, err)
	}
}

func TestRedriveDLQ(t *testing.T) {
	_, cl := startCluster(t)
	ctx := context.Background()
	const topic, other, group = "RedriveTopic", "RedriveOther", "RedriveGroup"
	dlq := route.DLQTopic(group)
	createTopic(t, cl, topic, 2)
	createTopic(t, cl, other, 1)

	if res, err := cl.RedriveDLQ(ctx, group, RedriveOptions{}); err != nil || res.Redriven+res.Skipped != 0 {
		t.Fatalf("redrive without a DLQ: %+v %v", res, err)
	}
	if msgs, err := cl.QueryDLQ(ctx, group, 10); err != nil || len(msgs) != 0 {
		t.Fatalf("query without a DLQ: %d messages, %v", len(msgs), err)
	}

	props := map[string]string{"shop": "saga"}
	sent := []SendResult{
		send(t, cl, OutgoingMessage{Topic: topic, Body: []byte("dead-1"), Tags: "TagD", Keys: []string{"k1"}, Properties: props}, 0),
		send(t, cl, OutgoingMessage{Topic: topic, Body: zlibBytes(t, []byte("dead-2")), Compressed: true, Flag: 3, Keys: []string{"k2"}}, 1),
		send(t, cl, OutgoingMessage{Topic: topic, Body: []byte("dead-3"), Tags: "TagD"}, 1),
	}
	for _, s := range sent {
		killMessage(t, cl, group, s, topic)
	}
	// A message sent to the DLQ topic directly says nowhere where it came
	// from.
	send(t, cl, OutgoingMessage{Topic: dlq, Body: []byte("orphan")}, 0)
	eventually(t, "the DLQ's route", func() bool { _, err := cl.Route(ctx, dlq); return err == nil })

	dead, err := cl.QueryDLQ(ctx, group, 10)
	if err != nil || len(dead) != 4 {
		t.Fatalf("QueryDLQ: %d messages, %v", len(dead), err)
	}
	for i, d := range dead[:3] {
		if d.Topic != dlq || d.MsgID() != sent[i].MsgID || d.Property(message.PropRetryTopic) != topic ||
			d.Property(message.PropOriginMessageID) != sent[i].OffsetMsgID || d.ReconsumeTimes != 1 {
			t.Errorf("DLQ message %d: topic %s MsgID %s properties %q reconsume %d", i, d.Topic, d.MsgID(), d.Properties, d.ReconsumeTimes)
		}
	}

	var seen []RedrivenMessage
	res, err := cl.RedriveDLQ(ctx, group, RedriveOptions{Max: 1, OnMessage: func(rm RedrivenMessage) { seen = append(seen, rm) }})
	if err != nil || res.Redriven != 1 || res.Skipped != 0 || len(seen) != 1 || seen[0].Sent.MsgID != sent[0].MsgID {
		t.Fatalf("first redrive (max 1): %+v %v, callback saw %d", res, err, len(seen))
	}
	res, err = cl.RedriveDLQ(ctx, group, RedriveOptions{})
	if err != nil || res.Redriven != 2 || res.Skipped != 1 {
		t.Fatalf("second redrive: %+v %v", res, err)
	}
	if last := res.Messages[2]; last.Skipped != SkipNoRetryTopic || string(last.DLQ.Body) != "orphan" {
		t.Errorf("the orphan: %+v", last)
	}
	res, err = cl.RedriveDLQ(ctx, group, RedriveOptions{})
	if err != nil || len(res.Messages) != 0 {
		t.Fatalf("third redrive sent again: %+v %v", res, err)
	}

	got, err := cl.ConsumeMessages(ctx, topic, ConsumeOptions{QueueID: -1, Offset: -1})
	if err != nil || len(got) != 6 {
		t.Fatalf("%s holds %d messages, %v; want 3 sent and 3 redriven", topic, len(got), err)
	}
	byKey := map[string][]Message{}
	for _, m := range got {
		byKey[m.MsgID()] = append(byKey[m.MsgID()], m)
	}
	for i, s := range sent {
		copies := byKey[s.MsgID]
		if len(copies) != 2 {
			t.Errorf("message %d: %d copies with UNIQ_KEY %s, want 2", i, len(copies), s.MsgID)
			continue
		}
		orig, again := copies[0], copies[1]
		if orig.QueueOffset > again.QueueOffset && orig.QueueID == again.QueueID {
			orig, again = again, orig
		}
		ob, _ := orig.InflatedBody()
		ab, err := again.InflatedBody()
		if err != nil || !slices.Equal(ob, ab) || again.Flag != orig.Flag || again.Compressed() != orig.Compressed() ||
			again.ReconsumeTimes != 0 {
			t.Errorf("message %d redriven as %q (%v) flag %d sysFlag %d reconsume %d; the original: %q flag %d sysFlag %d",
				i, ab, err, again.Flag, again.SysFlag, again.ReconsumeTimes, ob, orig.Flag, orig.SysFlag)
		}
		for _, k := range []string{message.PropKeys, message.PropTags, "shop"} {
			if again.Property(k) != orig.Property(k) {
				t.Errorf("message %d: redriven %s=%q, want %q", i, k, again.Property(k), orig.Property(k))
			}
		}
		for _, k := range []string{message.PropRetryTopic, message.PropOriginMessageID, message.PropRealTopic, message.PropDelayLevel} {
			if v, ok := message.Property(again.Properties, k); ok {
				t.Errorf("message %d: redriven copy keeps %s=%q", i, k, v)
			}
		}
	}

	// A topic filter passes the other topics' messages over for good.
	stray := send(t, cl, OutgoingMessage{Topic: other, Body: []byte("stray")}, 0)
	killMessage(t, cl, group, stray, other)
	res, err = cl.RedriveDLQ(ctx, group, RedriveOptions{Topic: topic})
	if err != nil || res.Redriven != 0 || res.Skipped != 1 || res.Messages[0].Skipped != SkipOtherTopic || res.Messages[0].Topic != other {
		t.Fatalf("redrive of %s only: %+v %v", topic, res, err)
	}
	if res, err = cl.RedriveDLQ(ctx, group, RedriveOptions{}); err != nil || len(res.Messages) != 0 {
		t.Fatalf("redrive after the filtered one: %+v %v", res, err)
	}

	// A deleted original topic stops the run before its message, which
	// stays ahead of the position.
	lost := send(t, cl, OutgoingMessage{Topic: other, Body: []byte("lost")}, 0)
	killMessage(t, cl, group, lost, other)
	if err := cl.DeleteTopic(ctx, other, cluster); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if res, err = cl.RedriveDLQ(ctx, group, RedriveOptions{}); !errors.Is(err, ErrTopicNotFound) || len(res.Messages) != 0 {
			t.Fatalf("redrive to a deleted topic: %+v %v, want ErrTopicNotFound", res, err)
		}
	}
}

func TestProducerConnections(t *testing.T) {
	c, cl := startCluster(t)
	ctx := context.Background()
	hb := remoting.NewRequest(remoting.HeartBeat, nil,
		[]byte(`{"clientID":"127.0.0.1@7","producerDataSet":[{"groupName":"PG1"}],"consumerDataSet":[]}`))
	if _, err := cl.invoke(ctx, c.BrokerAddr, hb); err != nil {
		t.Fatalf("heartbeat: %v", err)
	}
	pc, err := cl.ProducerConnections(ctx, "PG1")
	if err != nil {
		t.Fatal(err)
	}
	if len(pc.Connections) != 1 || pc.Connections[0].ClientID != "127.0.0.1@7" || pc.Connections[0].LastSeen == 0 ||
		pc.Connections[0].ClientAddr == "" {
		t.Fatalf("connections %+v", pc.Connections)
	}
	if _, err := cl.ProducerConnections(ctx, "PG2"); !errors.Is(err, ErrProducerNotOnline) {
		t.Fatalf("a group nobody produces for: %v, want ErrProducerNotOnline", err)
	}
}
