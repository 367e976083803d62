package integration

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"

	"github.com/sagashop/sagashop/mq/remoting"
)

// propertiesString encodes message properties as the wire does
// (key 0x01 value 0x02 ...).
func propertiesString(kv ...string) string {
	var sb strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		sb.WriteString(kv[i] + "\x01" + kv[i+1] + "\x02")
	}
	return sb.String()
}

// commitLogOffset is the physical offset inside an offset message id.
func commitLogOffset(t *testing.T, offsetMsgID string) int64 {
	t.Helper()
	id, err := primitive.UnmarshalMsgID([]byte(offsetMsgID))
	if err != nil {
		t.Fatalf("offset message id %q: %v", offsetMsgID, err)
	}
	return id.Offset
}

// TestBadFeatureInput sends invalid delay levels, END_TRANSACTION and
// CONSUMER_SEND_MSG_BACK requests. A DELAY of 0 or below is delivered at
// once, one above the table (here "1s 2s") is clamped to the top level,
// and one that is not a number is refused with MESSAGE_ILLEGAL (13) and
// stores nothing. END_TRANSACTION naming no half message, the wrong
// commit-log offset, group or queue offset, or commitOrRollback 99, and
// a send-back of an offset that holds no message get SYSTEM_ERROR with a
// remark that names the problem and change nothing; the half message
// still commits exactly once afterwards, and a send-back with delay level
// -1 goes straight to the DLQ. Throughout, the raw connection and the
// official clients keep working.
func TestBadFeatureInput(t *testing.T) {
	t.Parallel()
	forEachCluster(t, clusterOptions{delayLevels: "1s 2s", parallel: true}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "bad")
		createTopic(t, c, topic, 1)
		arr := newArrivals()
		startPushConsumer(t, c, uniqName(t, "g"), topic, consumer.MessageSelector{}, arr.handler,
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		p := newProducer(t, c)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		conn, err := remoting.Dial(ctx, c.BrokerAddr, nil, remoting.ConnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		call := func(code remoting.RequestCode, ext map[string]string, body []byte) *remoting.Command {
			t.Helper()
			resp, err := conn.Invoke(ctx, remoting.NewRequest(code, ext, body))
			if err != nil {
				t.Fatalf("%s: %v", code, err)
			}
			return resp
		}
		expectError := func(what string, resp *remoting.Command, code remoting.ResponseCode, word string) {
			t.Helper()
			if remoting.ResponseCode(resp.Code) != code || !strings.Contains(strings.ToLower(resp.Remark), word) {
				t.Errorf("%s: %s %q; want %s with a remark about %q", what, remoting.ResponseCode(resp.Code), resp.Remark, code, word)
			} else {
				t.Logf("%s: %s %q", what, remoting.ResponseCode(resp.Code), resp.Remark)
			}
		}
		scheduled := func() (n int64) {
			for q := 0; q < 2; q++ {
				n += maxOffset(t, c, scheduleTopic, q)
			}
			return n
		}

		t.Run("delay levels", func(t *testing.T) {
			for _, level := range []string{"0", "-1", "-100"} {
				b := "delay" + level
				before, parkedBefore := maxOffset(t, c, topic, 0), scheduled()
				sent := time.Now()
				m := primitive.NewMessage(topic, []byte(b))
				m.WithProperty(primitive.PropertyDelayTimeLevel, level)
				res := sendSync(t, p, m)
				if res.QueueOffset != before || maxOffset(t, c, topic, 0) != before+1 || scheduled() != parkedBefore {
					t.Errorf("DELAY %s: stored at offset %d of %s (it held %d), schedule topic %d -> %d; want it in %s at once",
						level, res.QueueOffset, topic, before, parkedBefore, scheduled(), topic)
				}
				if !eventually(2*time.Second, func() bool { at, _ := arr.get(b); return len(at) > 0 }) {
					t.Errorf("DELAY %s: not delivered within 2s", level)
				} else if at, _ := arr.get(b); at[0].Sub(sent) > time.Second {
					t.Errorf("DELAY %s: delivered %v after the send, want at once", level, at[0].Sub(sent))
				}
			}

			res := sendSync(t, p, primitive.NewMessage(topic, []byte("delay99")).WithDelayTimeLevel(99))
			pm := parked(t, c, 2, res.QueueOffset)
			if string(pm.Body) != "delay99" || pm.GetProperty(primitive.PropertyDelayTimeLevel) != "2" {
				t.Errorf("DELAY 99: parked %q with DELAY %q, want it clamped to the top level 2", pm.Body, pm.GetProperty(primitive.PropertyDelayTimeLevel))
			}
			due := time.UnixMilli(pm.StoreTimestamp).Add(2 * time.Second)
			if !eventually(5*time.Second, func() bool { at, _ := arr.get("delay99"); return len(at) > 0 }) {
				t.Errorf("DELAY 99: not delivered within 5s")
			} else if at, m := arr.get("delay99"); at[0].Before(due) || at[0].Sub(due) > time.Second || m.StoreTimestamp < due.UnixMilli() {
				t.Errorf("DELAY 99: arrived %v after it was due (stored %dms after), want 0 to 1s", at[0].Sub(due), m.StoreTimestamp-due.UnixMilli())
			}

			for _, level := range []string{"soon", "1.5", "2s", "0x1"} {
				before, parkedBefore := maxOffset(t, c, topic, 0), scheduled()
				sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
				m := primitive.NewMessage(topic, []byte("official-"+level))
				m.WithProperty(primitive.PropertyDelayTimeLevel, level)
				_, err := p.SendSync(sctx, m)
				scancel()
				if err == nil || !strings.Contains(err.Error(), "CODE: 13") {
					t.Errorf("DELAY %q through the official producer: error %v, want CODE: 13 (MESSAGE_ILLEGAL)", level, err)
				}
				ext := sendExt(topic)
				ext["properties"] = propertiesString(primitive.PropertyDelayTimeLevel, level)
				expectError("raw send with DELAY "+strconv.Quote(level), call(remoting.SendMessage, ext, []byte("raw-"+level)), remoting.MessageIllegal, "delay")
				if maxOffset(t, c, topic, 0) != before || scheduled() != parkedBefore {
					t.Errorf("DELAY %q: a refused message was stored", level)
				}
			}
		})

		t.Run("end transaction", func(t *testing.T) {
			const group = "bad-input-tx"
			half := func(body string) (phys, queueOffset int64) {
				ext := sendExt(topic)
				ext["producerGroup"], ext["sysFlag"] = group, "4"
				ext["properties"] = propertiesString(primitive.PropertyTransactionPrepared, "true", primitive.PropertyProducerGroup, group,
					primitive.PropertyUniqueClientMessageIdKeyIndex, strings.Repeat("AB", 15)+strconv.Itoa(10+len(body)))
				resp := call(remoting.SendMessage, ext, []byte(body))
				if err := resp.Err(); err != nil {
					t.Fatalf("half message %s: %v", body, err)
				}
				qoff, err := strconv.ParseInt(resp.Ext("queueOffset"), 10, 64)
				if err != nil {
					t.Fatalf("half message %s: queueOffset %q", body, resp.Ext("queueOffset"))
				}
				return commitLogOffset(t, resp.Ext("msgId")), qoff
			}
			phys, qoff := half("tx-half")
			rbPhys, rbQoff := half("tx-rollback")
			normal := sendSync(t, p, primitive.NewMessage(topic, []byte("tx-normal")))
			normalPhys := commitLogOffset(t, normal.OffsetMsgID)
			end := func(state string, phys, qoff int64, group string) map[string]string {
				return map[string]string{
					"producerGroup": group, "tranStateTableOffset": strconv.FormatInt(qoff, 10),
					"commitLogOffset": strconv.FormatInt(phys, 10), "commitOrRollback": state,
					"fromTransactionCheck": "false", "msgId": "", "transactionId": "",
				}
			}
			unknown := end("8", 1<<40, 0, group)
			unknown["transactionId"], unknown["msgId"] = "no-such-transaction", "no-such-transaction"
			notNumber := end("8", phys, qoff, group)
			notNumber["commitLogOffset"] = "first"
			for _, tc := range []struct {
				name string
				ext  map[string]string
				word string
			}{
				{"unknown transaction (no message at its offsets)", unknown, "commitlogoffset"},
				{"commit-log offset inside the half message", end("8", phys+1, qoff, group), "commitlogoffset"},
				{"commit-log offset of a normal message", end("8", normalPhys, qoff, group), "half"},
				{"commit-log offset that is not a number", notNumber, "commitlogoffset"},
				{"wrong producer group", end("8", phys, qoff, "someone-else"), "group"},
				{"wrong transaction state table offset", end("8", phys, qoff+7, group), "offset"},
				{"commitOrRollback 99", end("99", phys, qoff, group), "commitorrollback"},
				{"rollback with the wrong producer group", end("12", phys, qoff, "someone-else"), "group"},
			} {
				expectError(tc.name, call(remoting.EndTransaction, tc.ext, nil), remoting.SystemError, tc.word)
			}
			time.Sleep(500 * time.Millisecond)
			if at, _ := arr.get("tx-half"); len(at) > 0 {
				t.Fatalf("the half message was delivered after END_TRANSACTION requests that were all refused")
			}

			for i, state := range []string{"8", "8", "12"} {
				resp := call(remoting.EndTransaction, end(state, phys, qoff, group), nil)
				if resp.Code != int16(remoting.Success) {
					t.Errorf("END_TRANSACTION %s #%d of the half message: %s %q, want SUCCESS", state, i+1, remoting.ResponseCode(resp.Code), resp.Remark)
				}
			}
			for _, state := range []string{"12", "8"} {
				if resp := call(remoting.EndTransaction, end(state, rbPhys, rbQoff, group), nil); resp.Code != int16(remoting.Success) {
					t.Errorf("END_TRANSACTION %s of the rolled-back half message: %s %q, want SUCCESS", state, remoting.ResponseCode(resp.Code), resp.Remark)
				}
			}
			if !eventually(5*time.Second, func() bool { at, _ := arr.get("tx-half"); return len(at) > 0 }) {
				t.Fatalf("the committed half message was not delivered within 5s")
			}
			time.Sleep(time.Second)
			if at, _ := arr.get("tx-half"); len(at) != 1 {
				t.Errorf("the half message committed twice was delivered %d times, want once", len(at))
			}
			if at, _ := arr.get("tx-rollback"); len(at) != 0 {
				t.Errorf("the rolled-back half message was delivered %d times after a late commit", len(at))
			}
		})

		t.Run("send back", func(t *testing.T) {
			group := uniqName(t, "sendback")
			next := maxPhysical(t, c, topic)
			normal := sendSync(t, p, primitive.NewMessage(topic, []byte("sendback-normal")))
			normalPhys := commitLogOffset(t, normal.OffsetMsgID)
			back := func(offset string) map[string]string {
				return map[string]string{"group": group, "offset": offset, "delayLevel": "0", "originMsgId": "",
					"originTopic": topic, "unitMode": "false", "maxReconsumeTimes": "16"}
			}
			for _, tc := range []struct {
				name, offset string
			}{
				{"offset past the end of the commit log", strconv.FormatInt(next+1<<30, 10)},
				{"offset inside a message", strconv.FormatInt(normalPhys+3, 10)},
				{"negative offset", "-1"},
				{"offset that is not a number", "last"},
			} {
				expectError(tc.name, call(remoting.ConsumerSendMsgBack, back(tc.offset), nil), remoting.SystemError, "offset")
			}
			for _, q := range []string{"%RETRY%" + group, "%DLQ%" + group} {
				if got := pullAll(t, c, q, 0); len(got) > 0 {
					t.Errorf("%s holds %q after refused send-backs", q, bodiesOf(got))
				}
			}

			// A negative delay level sends a message straight to the DLQ.
			ext := back(strconv.FormatInt(normalPhys, 10))
			ext["delayLevel"] = "-1"
			if resp := call(remoting.ConsumerSendMsgBack, ext, nil); resp.Err() != nil {
				t.Fatalf("send-back with delayLevel -1: %v", resp.Err())
			}
			dead := pullAll(t, c, "%DLQ%"+group, 0)
			if len(dead) != 1 || string(dead[0].Body) != "sendback-normal" || dead[0].ReconsumeTimes != 1 ||
				dead[0].GetProperty(primitive.PropertyRetryTopic) != topic ||
				dead[0].GetProperty(primitive.PropertyOriginMessageId) != normal.OffsetMsgID ||
				dead[0].GetProperty(primitive.PropertyUniqueClientMessageIdKeyIndex) != normal.MsgID {
				t.Errorf("after a send-back with delayLevel -1 the DLQ holds %v; want sendback-normal with ReconsumeTimes 1, "+
					"RETRY_TOPIC %s, ORIGIN_MESSAGE_ID %s, UNIQ_KEY %s", dead, topic, normal.OffsetMsgID, normal.MsgID)
			}
			if got := pullAll(t, c, "%RETRY%"+group, 0); len(got) > 0 {
				t.Errorf("%%RETRY%%%s holds %q; a send-back with delayLevel -1 goes to the DLQ only", group, bodiesOf(got))
			}
		})

		// The broker still serves the raw connection and the clients.
		if resp := call(remoting.GetMaxOffset, map[string]string{"topic": topic, "queueId": "0"}, nil); resp.Err() != nil {
			t.Errorf("GET_MAX_OFFSET on the raw connection after the bad requests: %v", resp.Err())
		}
		sendSync(t, p, primitive.NewMessage(topic, []byte("after")))
		if !eventually(5*time.Second, func() bool { at, _ := arr.get("after"); return len(at) == 1 }) {
			t.Errorf("a message sent after the bad requests was not consumed within 5s")
		}
	})
}

// maxPhysical is a commit-log offset past every message stored so far:
// the physical offset of a fresh message in topic.
func maxPhysical(t *testing.T, c *cluster, topic string) int64 {
	t.Helper()
	res := sendSync(t, newProducer(t, c), primitive.NewMessage(topic, []byte("marker")))
	return commitLogOffset(t, res.OffsetMsgID) + 4096
}
