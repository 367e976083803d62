package integration

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"

	"github.com/sagashop/sagashop/mq/remoting"
)

// offsetMsgIDPattern is an IPv4 offset message id: ip, port and physical
// offset as 32 upper-case hex digits.
var offsetMsgIDPattern = regexp.MustCompile(`^[0-9A-F]{32}$`)

// uniqKeyPattern is the client's UNIQ_KEY (mixed case, 32 hex digits).
var uniqKeyPattern = regexp.MustCompile(`^[0-9A-Fa-f]{32}$`)

// TestSendModes sends with SendSync, SendAsync, SendOneWay and a batch
// SendSync; one push consumer must get every message exactly once, with
// the ids, queue positions, keys and hosts the send replies announced.
func TestSendModes(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		const queues = 4
		topic := uniqName(t, "send")
		createTopic(t, c, topic, queues)
		col := newCollector()
		group := uniqName(t, "g")
		startPushConsumer(t, c, group, topic, consumer.MessageSelector{}, col.handler("m"),
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		p := newProducer(t, c)
		ctx := context.Background()

		msgID := map[string]string{}                  // body -> UNIQ_KEY the producer set
		offsetMsgID := map[string]string{}            // body -> offsetMsgId of the send reply
		position := map[string]primitive.SendResult{} // body -> queue and offset of the send reply

		checkResult := func(what string, res *primitive.SendResult) {
			t.Helper()
			if res.MessageQueue == nil || res.MessageQueue.Topic != topic || res.MessageQueue.QueueId < 0 || res.MessageQueue.QueueId >= queues {
				t.Errorf("%s: send result queue %v, want one of the %d queues of %s", what, res.MessageQueue, queues, topic)
			}
			if res.QueueOffset < 0 {
				t.Errorf("%s: queue offset %d", what, res.QueueOffset)
			}
		}

		// SendSync, one message at a time.
		for _, b := range bodies("sync", 10) {
			res := sendSync(t, p, primitive.NewMessage(topic, []byte(b)).WithKeys([]string{b}).WithTag("sync"))
			checkResult(b, res)
			if !uniqKeyPattern.MatchString(res.MsgID) || !offsetMsgIDPattern.MatchString(res.OffsetMsgID) {
				t.Errorf("%s: MsgID %q OffsetMsgID %q, want 32 hex digits each", b, res.MsgID, res.OffsetMsgID)
			}
			msgID[b], offsetMsgID[b], position[b] = res.MsgID, res.OffsetMsgID, *res
		}

		// A message the client compresses (bodies of 4 KiB and more), with
		// a user flag and a user property, which must all come back.
		big := "big-" + strings.Repeat("sagashop order saga ", 500)
		bigMsg := &primitive.Message{Topic: topic, Body: []byte(big), Flag: 42}
		bigMsg.WithProperty("shop", "saga")
		bigRes := sendSync(t, p, bigMsg)
		checkResult("big", bigRes)
		msgID[big], offsetMsgID[big], position[big] = bigRes.MsgID, bigRes.OffsetMsgID, *bigRes
		if bigRes.RegionID != "DefaultRegion" || !bigRes.TraceOn {
			t.Errorf("send reply region %q trace %v; want MSG_REGION DefaultRegion and TRACE_ON true", bigRes.RegionID, bigRes.TraceOn)
		}

		// SendAsync: the callback must come (the client panics after 3 s
		// without a reply).
		type asyncResult struct {
			body string
			res  *primitive.SendResult
			err  error
		}
		asyncBodies := bodies("async", 10)
		done := make(chan asyncResult, len(asyncBodies))
		for _, b := range asyncBodies {
			b := b
			err := p.SendAsync(ctx, func(_ context.Context, res *primitive.SendResult, err error) {
				done <- asyncResult{b, res, err}
			}, primitive.NewMessage(topic, []byte(b)).WithKeys([]string{b}).WithTag("async"))
			if err != nil {
				t.Fatalf("SendAsync %s: %v", b, err)
			}
		}
		for range asyncBodies {
			select {
			case r := <-done:
				if r.err != nil || r.res == nil || r.res.Status != primitive.SendOK {
					t.Fatalf("async send %s: result %v, error %v", r.body, r.res, r.err)
				}
				checkResult(r.body, r.res)
				msgID[r.body], offsetMsgID[r.body], position[r.body] = r.res.MsgID, r.res.OffsetMsgID, *r.res
			case <-time.After(10 * time.Second):
				t.Fatal("an async send callback did not come within 10s")
			}
		}

		// SendOneWay: no reply; the client set UNIQ_KEY on the message.
		for _, b := range bodies("oneway", 10) {
			m := primitive.NewMessage(topic, []byte(b)).WithKeys([]string{b}).WithTag("oneway")
			if err := p.SendOneWay(ctx, m); err != nil {
				t.Fatalf("SendOneWay %s: %v", b, err)
			}
			msgID[b] = m.GetProperty(primitive.PropertyUniqueClientMessageIdKeyIndex)
		}

		// A batch: one SEND_BATCH_MESSAGE, no UNIQ_KEY on the inner
		// messages, a comma-joined offsetMsgId list in the reply.
		batchBodies := bodies("batch", 10)
		var batch []*primitive.Message
		for _, b := range batchBodies {
			batch = append(batch, primitive.NewMessage(topic, []byte(b)).WithKeys([]string{b}).WithTag("batch"))
		}
		res := sendSync(t, p, batch...)
		checkResult("batch", res)
		ids := strings.Split(res.OffsetMsgID, ",")
		if len(ids) != len(batchBodies) {
			t.Fatalf("batch reply msgId %q has %d ids, want %d", res.OffsetMsgID, len(ids), len(batchBodies))
		}
		for i, b := range batchBodies {
			if !offsetMsgIDPattern.MatchString(ids[i]) {
				t.Errorf("batch offsetMsgId %d is %q", i, ids[i])
			}
			offsetMsgID[b] = ids[i]
			pos := *res
			pos.QueueOffset += int64(i) // consecutive offsets in one queue
			position[b] = pos
		}

		var all []string
		for _, p := range [][]string{bodies("sync", 10), {big}, asyncBodies, bodies("oneway", 10), batchBodies} {
			all = append(all, p...)
		}
		col.expectExactly(t, all, 20*time.Second, time.Second)

		seenIDs := map[string]string{}
		for _, b := range all {
			m := col.msg(b)
			if m == nil {
				continue
			}
			name := b // the big body would flood the log
			if len(name) > 20 {
				name = name[:20] + "..."
			}
			if m.Topic != topic || (m.GetKeys() != b && b != big) {
				t.Errorf("%s: delivered topic %q keys %q", name, m.Topic, m.GetKeys())
			}
			if m.GetProperty("CLUSTER") != "DefaultCluster" {
				t.Errorf("%s: stored without the CLUSTER property (properties %v)", name, m.GetProperties())
			}
			if m.StoreHost != c.BrokerAddr {
				t.Errorf("%s: store host %q, want the broker's address %s", name, m.StoreHost, c.BrokerAddr)
			}
			if m.ReconsumeTimes != 0 || m.BornTimestamp <= 0 || m.StoreTimestamp < m.BornTimestamp-5000 {
				t.Errorf("%s: reconsumeTimes %d born %d store %d", name, m.ReconsumeTimes, m.BornTimestamp, m.StoreTimestamp)
			}
			if m.MsgId == "" {
				t.Errorf("%s: delivered with an empty MsgId", name)
			} else if other, dup := seenIDs[m.MsgId]; dup {
				t.Errorf("%s and %s were delivered with the same MsgId %s", name, other, m.MsgId)
			}
			seenIDs[m.MsgId] = name
			if want := msgID[b]; want != "" && m.MsgId != want {
				t.Errorf("%s: delivered MsgId %q, the producer's UNIQ_KEY was %q", name, m.MsgId, want)
			}
			if strings.HasPrefix(b, "batch") && m.GetProperty(primitive.PropertyUniqueClientMessageIdKeyIndex) == "" {
				t.Errorf("%s: a batch message was stored without a UNIQ_KEY", name)
			}
			if want := offsetMsgID[b]; want != "" && m.OffsetMsgId != want {
				t.Errorf("%s: delivered OffsetMsgId %q, the send reply said %q", name, m.OffsetMsgId, want)
			}
			if pos, ok := position[b]; ok && (m.Queue.QueueId != pos.MessageQueue.QueueId || m.QueueOffset != pos.QueueOffset) {
				t.Errorf("%s: delivered from queue %d offset %d, the send reply said queue %d offset %d",
					name, m.Queue.QueueId, m.QueueOffset, pos.MessageQueue.QueueId, pos.QueueOffset)
			}
		}

		if m := col.msg(big); m != nil && (m.Flag != 42 || m.GetProperty("shop") != "saga" || m.SysFlag&1 == 0) {
			t.Errorf("compressed message: flag %d, property shop=%q, sysFlag %#x; want 42, saga and the compressed bit",
				m.Flag, m.GetProperty("shop"), m.SysFlag)
		}

		// The group's retry topic was created and routed on its heartbeat.
		if rd := waitRoute(t, c, "%RETRY%"+group, 1); rd.QueueDatas[0].Perm != 6 {
			t.Errorf("retry topic route %+v, want perm 6", rd.QueueDatas[0])
		}

		// The ids are stable: reading the queues again returns the same
		// MsgId for every message.
		for q := 0; q < queues; q++ {
			r := rawPull(t, c, uniqName(t, "reader"), topic, q, 0, 32, "*")
			if r.code != remoting.Success {
				t.Fatalf("re-read queue %d: %s %s", q, r.code, r.remark)
			}
			for _, m := range r.msgs {
				if first := col.msg(string(m.Body)); first != nil && first.MsgId != m.MsgId {
					t.Errorf("%s: MsgId %q on re-read, %q on first delivery", m.Body, m.MsgId, first.MsgId)
				}
			}
		}
	})
}

// TestTagFilter checks tag subscriptions: through a push consumer
// ("TagA || TagB" gets TagA and TagB, never TagC or untagged messages)
// and on the broker itself with raw pulls, since the client re-filters
// every message and would hide a broker that does not filter.
func TestTagFilter(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "tags")
		createTopic(t, c, topic, 4)
		col := newCollector()
		startPushConsumer(t, c, uniqName(t, "g"), topic, consumer.MessageSelector{Type: consumer.TAG, Expression: "TagA || TagB"},
			col.handler("m"), consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		p := newProducer(t, c)
		var want []string
		for _, tag := range []string{"TagA", "TagB", "TagC", ""} {
			for _, b := range bodies("tag"+tag, 5) {
				m := primitive.NewMessage(topic, []byte(b))
				if tag != "" {
					m.WithTag(tag)
				}
				sendSync(t, p, m)
				if tag == "TagA" || tag == "TagB" {
					want = append(want, b)
				}
			}
		}
		col.expectExactly(t, want, 15*time.Second, 1500*time.Millisecond)

		// Broker-side filtering on one queue holding A B C - A B C -.
		one := uniqName(t, "tags1")
		createTopic(t, c, one, 1)
		for i := 0; i < 2; i++ {
			for _, tag := range []string{"TagA", "TagB", "TagC", ""} {
				m := primitive.NewMessage(one, []byte("untagged"))
				if tag != "" {
					m.Body = []byte(tag)
					m.WithTag(tag)
				}
				sendSync(t, p, m)
			}
		}
		group := uniqName(t, "raw")
		for _, tc := range []struct {
			name   string
			expr   string
			offset int64
			code   remoting.ResponseCode
			tags   string
			next   int64
		}{
			{"all", "*", 0, remoting.Success, "TagA,TagB,TagC,,TagA,TagB,TagC,", 8},
			{"A or B", "TagA || TagB", 0, remoting.Success, "TagA,TagB,TagA,TagB", 8},
			{"C", "TagC", 0, remoting.Success, "TagC,TagC", 8},
			{"C from 3", "TagC", 3, remoting.Success, "TagC", 8},
			{"no match", "TagZ", 0, remoting.PullRetryImmediately, "", 8},
			{"at the end", "TagA", 8, remoting.PullNotFound, "", 8},
			{"past the end", "TagA", 9, remoting.PullOffsetMoved, "", 8},
		} {
			r := rawPull(t, c, group, one, 0, tc.offset, 32, tc.expr)
			var tags []string
			for _, m := range r.msgs {
				tags = append(tags, m.GetTags())
			}
			if r.code != tc.code || strings.Join(tags, ",") != tc.tags || r.next != tc.next {
				t.Errorf("%s: pull %q from %d = %s (%s) tags %q next %d; want %s tags %q next %d",
					tc.name, tc.expr, tc.offset, r.code, r.remark, strings.Join(tags, ","), r.next, tc.code, tc.tags, tc.next)
			}
			if r.minOff != 0 || r.maxOff != 8 {
				t.Errorf("%s: min/max offset %d/%d, want 0/8", tc.name, r.minOff, r.maxOff)
			}
		}
	})
}
