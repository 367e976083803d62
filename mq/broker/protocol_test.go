package broker_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/standalone"
)

func startCluster(t *testing.T) *standalone.Cluster {
	t.Helper()
	bo := broker.DefaultOptions()
	bo.Config.StorePathRootDir = t.TempDir()
	c, err := standalone.Start(standalone.Options{NamesrvListen: "127.0.0.1:0", BrokerListen: "127.0.0.1:0", Broker: bo})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func dial(t *testing.T, addr string, h remoting.Handler) *remoting.Conn {
	t.Helper()
	conn, err := remoting.Dial(context.Background(), addr, h, remoting.ConnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func invoke(t *testing.T, conn *remoting.Conn, req *remoting.Command) *remoting.Command {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := conn.Invoke(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestSendMessageV2 sends one message with SEND_MESSAGE_V2's one-letter
// header keys, as Java clients do, and pulls it back.
func TestSendMessageV2(t *testing.T) {
	c := startCluster(t)
	conn := dial(t, c.BrokerAddr, nil)
	props := "TAGS\x01TagA\x02KEYS\x01k1\x02UNIQ_KEY\x01AB12\x02"
	resp := invoke(t, conn, remoting.NewRequest(remoting.SendMessageV2, map[string]string{
		"a": "pg", "b": "v2topic", "c": "TBW102", "d": "4", "e": "1", "f": "0", "g": "1700000000000",
		"h": "7", "i": props, "j": "0", "k": "false", "l": "0", "m": "false",
	}, []byte("payload")))
	if err := resp.Err(); err != nil {
		t.Fatal(err)
	}
	if resp.Ext("queueId") != "1" || resp.Ext("queueOffset") != "0" || len(resp.Ext("msgId")) != 32 {
		t.Fatalf("reply ext = %v", resp.ExtFields)
	}
	pull := invoke(t, conn, remoting.NewRequest(remoting.PullMessage, map[string]string{
		"consumerGroup": "g", "topic": "v2topic", "queueId": "1", "queueOffset": "0", "maxMsgNums": "32",
		"sysFlag": "4", "commitOffset": "0", "suspendTimeoutMillis": "0", "subscription": "TagA", "subVersion": "0",
		"expressionType": "TAG",
	}, nil))
	if pull.Code != int16(remoting.Success) {
		t.Fatalf("pull: %v %s", remoting.ResponseCode(pull.Code), pull.Remark)
	}
	msgs, err := message.DecodeAll(pull.Body)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("pulled %d messages, %v", len(msgs), err)
	}
	m := msgs[0]
	if string(m.Body) != "payload" || m.Flag != 7 || m.BornTimestamp != 1700000000000 || m.OffsetMsgID() != resp.Ext("msgId") {
		t.Fatalf("stored message = %+v", m)
	}
	if v, _ := message.Property(m.Properties, message.PropUniqKey); v != "AB12" {
		t.Fatalf("properties = %q", m.Properties)
	}
}

// TestUnregisterClient shows UNREGISTER_CLIENT removing a consumer from
// its group and the other member being told to rebalance.
func TestUnregisterClient(t *testing.T) {
	c := startCluster(t)
	notified := make(chan string, 4)
	h := remoting.HandlerFunc(func(_ *remoting.Conn, req *remoting.Command) *remoting.Command {
		if remoting.RequestCode(req.Code) == remoting.NotifyConsumerIDsChanged {
			notified <- req.Ext("consumerGroup")
		}
		return nil
	})
	a, b := dial(t, c.BrokerAddr, h), dial(t, c.BrokerAddr, nil)
	heartbeat := func(conn *remoting.Conn, id string) {
		body, _ := json.Marshal(map[string]any{"clientID": id, "consumerDataSet": []map[string]any{{
			"groupName": "ug", "consumeType": "CONSUME_PASSIVELY", "messageModel": "CLUSTERING",
			"consumeFromWhere": "CONSUME_FROM_LAST_OFFSET", "subscriptionDataSet": []map[string]any{
				{"topic": "TBW102", "subString": "*", "subVersion": 1}},
		}}})
		if err := invoke(t, conn, remoting.NewRequest(remoting.HeartBeat, nil, body)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	heartbeat(a, "client-a")
	heartbeat(b, "client-b")
	drain(notified)
	list := func() []string {
		resp := invoke(t, a, remoting.NewRequest(remoting.GetConsumerListByGroup, map[string]string{"consumerGroup": "ug"}, nil))
		var body struct {
			IDs []string `json:"consumerIdList"`
		}
		json.Unmarshal(resp.Body, &body)
		return body.IDs
	}
	if got := list(); len(got) != 2 {
		t.Fatalf("members before = %v", got)
	}
	resp := invoke(t, b, remoting.NewRequest(remoting.UnregisterClient,
		map[string]string{"clientID": "client-b", "consumerGroup": "ug"}, nil))
	if err := resp.Err(); err != nil {
		t.Fatal(err)
	}
	if got := list(); len(got) != 1 || got[0] != "client-a" {
		t.Fatalf("members after = %v", got)
	}
	select {
	case g := <-notified:
		if g != "ug" {
			t.Fatalf("notified for %q", g)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the remaining member was not told to rebalance")
	}
}

func drain(ch chan string) {
	for {
		select {
		case <-ch:
		case <-time.After(200 * time.Millisecond):
			return
		}
	}
}
