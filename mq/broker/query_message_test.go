package broker_test

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"

	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/conf"
	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/standalone"
)

// TestQueryMessage sends messages with keys through the Go client and
// finds them with QUERY_MESSAGE and VIEW_MESSAGE_BY_ID, as mqadmin's
// queryMsgByKey, queryMsgByUniqueKey and queryMsgById do.
func TestQueryMessage(t *testing.T) {
	rlog.SetLogLevel("error")
	for _, mode := range []conf.FlushDiskType{conf.AsyncFlush, conf.SyncFlush} {
		t.Run(string(mode), func(t *testing.T) {
			bo := broker.DefaultOptions()
			bo.Config.StorePathRootDir = t.TempDir()
			bo.Config.FlushDiskType = mode
			c, err := standalone.Start(standalone.Options{NamesrvListen: "127.0.0.1:0", BrokerListen: "127.0.0.1:0", Broker: bo})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			p, err := rocketmq.NewProducer(producer.WithNsResolver(primitive.NewPassthroughResolver([]string{c.NamesrvAddr})),
				producer.WithRetry(1), producer.WithGroupName("query_test_pg"),
				producer.WithInstanceName(fmt.Sprintf("query-%s-%d", mode, time.Now().UnixNano())))
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { p.Shutdown() })
			sendMsg := func(m *primitive.Message) *primitive.SendResult {
				t.Helper()
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				res, err := p.SendSync(ctx, m)
				if err != nil || res.Status != primitive.SendOK {
					t.Fatalf("send %s: %v %v", m.Body, res, err)
				}
				return res
			}
			send := func(topic, body string, keys ...string) *primitive.SendResult {
				t.Helper()
				return sendMsg(primitive.NewMessage(topic, []byte(body)).WithKeys(keys))
			}
			first := send("QueryTopic", "first", "order-1", "customer-9")
			second := send("QueryTopic", "second", "order-2", "customer-9")
			send("OtherTopic", "elsewhere", "order-1")
			// A producer retry stores a message twice under one UNIQ_KEY: the
			// client keeps the UNIQ_KEY it set on the first attempt.
			retried := primitive.NewMessage("QueryTopic", []byte("retry-1"))
			dup1 := sendMsg(retried)
			retried.Body = []byte("retry-2")
			dup2 := sendMsg(retried)
			if dup1.MsgID != dup2.MsgID {
				t.Fatalf("the client gave the resend UNIQ_KEY %s, not %s", dup2.MsgID, dup1.MsgID)
			}

			conn, err := remoting.Dial(context.Background(), c.BrokerAddr, nil, remoting.ConnOptions{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { conn.Close() })
			invoke := func(code remoting.RequestCode, ext map[string]string) *remoting.Command {
				t.Helper()
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				resp, err := conn.Invoke(ctx, remoting.NewRequest(code, ext, nil))
				if err != nil {
					t.Fatal(err)
				}
				return resp
			}
			queryExt := func(key string, unique bool, begin int64) map[string]string {
				ext := map[string]string{"topic": "QueryTopic", "key": key, "maxNum": "64",
					"beginTimestamp": strconv.FormatInt(begin, 10), "endTimestamp": strconv.FormatInt(math.MaxInt64, 10)}
				if unique {
					ext["_UNIQUE_KEY_QUERY"] = "true"
				}
				return ext
			}

			tests := []struct {
				name   string
				code   remoting.RequestCode
				ext    map[string]string
				want   remoting.ResponseCode
				bodies []string // in reply order
				remark string   // part of the remark of an error
			}{
				{"by key, newest first", remoting.QueryMessage, queryExt("customer-9", false, 0), remoting.Success, []string{"second", "first"}, ""},
				{"by key, other topics left out", remoting.QueryMessage, queryExt("order-1", false, 0), remoting.Success, []string{"first"}, ""},
				{"by UNIQ_KEY as a key", remoting.QueryMessage, queryExt(second.MsgID, false, 0), remoting.Success, []string{"second"}, ""},
				{"by unique key", remoting.QueryMessage, queryExt(first.MsgID, true, 0), remoting.Success, []string{"first"}, ""},
				{"a unique key stored twice: the earliest", remoting.QueryMessage, queryExt(dup1.MsgID, true, 0), remoting.Success, []string{"retry-1"}, ""},
				{"a unique key stored twice, as a key", remoting.QueryMessage, queryExt(dup1.MsgID, false, 0), remoting.Success, []string{"retry-2", "retry-1"}, ""},
				{"a KEYS entry is not a unique key", remoting.QueryMessage, queryExt("order-1", true, 0), remoting.QueryNotFound, nil, "order-1"},
				{"unknown key", remoting.QueryMessage, queryExt("order-3", false, 0), remoting.QueryNotFound, nil, "order-3"},
				{"outside the time range", remoting.QueryMessage, queryExt("order-1", false, time.Now().Add(time.Hour).UnixMilli()),
					remoting.QueryNotFound, nil, "time range"},
				{"no key", remoting.QueryMessage, map[string]string{"topic": "QueryTopic"}, remoting.SystemError, nil, "key"},
				{"bad maxNum", remoting.QueryMessage, map[string]string{"topic": "QueryTopic", "key": "k", "maxNum": "x"}, remoting.SystemError, nil, "maxNum"},
				{"view by offset", remoting.ViewMessageByID, map[string]string{"offset": offsetOf(t, second.OffsetMsgID, c.BrokerAddr)},
					remoting.Success, []string{"second"}, ""},
				{"view at no message", remoting.ViewMessageByID, map[string]string{"offset": "1099511627776"}, remoting.SystemError, nil,
					"no message at offset 1099511627776"},
				{"view with a bad offset", remoting.ViewMessageByID, map[string]string{"offset": "x"}, remoting.SystemError, nil, "offset"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					resp := invoke(tt.code, tt.ext)
					if remoting.ResponseCode(resp.Code) != tt.want || !strings.Contains(resp.Remark, tt.remark) {
						t.Fatalf("reply %v %q, want %v with %q", remoting.ResponseCode(resp.Code), resp.Remark, tt.want, tt.remark)
					}
					if tt.code == remoting.QueryMessage && tt.want != remoting.SystemError {
						ts, err1 := strconv.ParseInt(resp.Ext("indexLastUpdateTimestamp"), 10, 64)
						off, err2 := strconv.ParseInt(resp.Ext("indexLastUpdatePhyoffset"), 10, 64)
						if err1 != nil || err2 != nil || ts <= 0 || off <= 0 {
							t.Fatalf("index ext fields %q, %q", resp.Ext("indexLastUpdateTimestamp"), resp.Ext("indexLastUpdatePhyoffset"))
						}
					}
					msgs := primitive.DecodeMessage(resp.Body) // the Go client's own decoder
					if len(msgs) != len(tt.bodies) {
						t.Fatalf("%d records, want %d", len(msgs), len(tt.bodies))
					}
					byBody := map[string]*primitive.SendResult{"first": first, "second": second, "retry-1": dup1, "retry-2": dup2}
					for i, m := range msgs {
						sent := byBody[string(m.Body)]
						if string(m.Body) != tt.bodies[i] || m.Topic != "QueryTopic" || m.StoreHost != c.BrokerAddr ||
							m.MsgId != sent.MsgID || m.OffsetMsgId != sent.OffsetMsgID {
							t.Fatalf("record %d: body %q topic %s store host %s ids %s/%s; sent %+v",
								i, m.Body, m.Topic, m.StoreHost, m.MsgId, m.OffsetMsgId, sent)
						}
					}
				})
			}
		})
	}
}

// offsetOf decodes an offsetMsgId as mqadmin queryMsgById does, checking
// that it names the broker at addr.
func offsetOf(t *testing.T, offsetMsgID, addr string) string {
	t.Helper()
	host, off, err := message.ParseOffsetMsgID(offsetMsgID)
	if err != nil || host.String() != addr {
		t.Fatalf("ParseOffsetMsgID(%s) = %v, %d, %v; want broker %s", offsetMsgID, host, off, err, addr)
	}
	return strconv.FormatInt(off, 10)
}
