package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/remoting"
)

// heartbeatBody is a HEART_BEAT body of one clustering push consumer, as
// the Go client writes it.
func heartbeatBody(clientID, group, topic string) []byte {
	b, _ := json.Marshal(map[string]any{
		"clientID": clientID, "producerDataSet": []any{},
		"consumerDataSet": []any{map[string]any{
			"groupName": group, "consumeType": "CONSUME_PASSIVELY", "messageModel": "CLUSTERING",
			"consumeFromWhere": "CONSUME_FROM_LAST_OFFSET", "unitMode": false,
			"subscriptionDataSet": []any{map[string]any{
				"classFilterMode": false, "topic": topic, "subString": "*", "tagsSet": []string{}, "codeSet": []string{},
				"subVersion": time.Now().UnixNano(), "expressionType": "TAG",
			}},
		}},
	})
	return b
}

// TestNotifyConsumerIDsChanged checks on raw connections that the broker
// tells the members of a group to rebalance when a member joins and when
// its connection closes (the Go client never unregisters), and not on a
// heartbeat that changes nothing.
func TestNotifyConsumerIDsChanged(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		topic := uniqName(t, "notify")
		createTopic(t, c, topic, 4)
		group := uniqName(t, "g")
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()

		notes := make(chan string, 16)
		member := func(id string, h remoting.Handler) *remoting.Conn {
			conn, err := remoting.Dial(ctx, c.BrokerAddr, h, remoting.ConnOptions{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { conn.Close() })
			resp, err := conn.Invoke(ctx, remoting.NewRequest(remoting.HeartBeat, nil, heartbeatBody(id, group, topic)))
			if err != nil || resp.Err() != nil {
				t.Fatalf("heartbeat of %s: %v %v", id, err, resp)
			}
			return conn
		}
		expectNote := func(what string, want bool) {
			t.Helper()
			select {
			case g := <-notes:
				if !want {
					t.Errorf("%s: the broker sent NOTIFY_CONSUMER_IDS_CHANGED for %s; nothing changed", what, g)
				} else if g != group {
					t.Errorf("%s: NOTIFY_CONSUMER_IDS_CHANGED for group %q, want %q", what, g, group)
				}
			case <-time.After(2 * time.Second):
				if want {
					t.Errorf("%s: no NOTIFY_CONSUMER_IDS_CHANGED within 2s", what)
				}
			}
		}
		a := member("client-a", remoting.HandlerFunc(func(_ *remoting.Conn, req *remoting.Command) *remoting.Command {
			if remoting.RequestCode(req.Code) == remoting.NotifyConsumerIDsChanged {
				notes <- req.Ext("consumerGroup")
			}
			return nil
		}))
		time.Sleep(500 * time.Millisecond)
		for len(notes) > 0 { // a may be told about its own arrival
			<-notes
		}

		b := member("client-b", nil)
		expectNote("a member joined", true)
		if ids := consumerIDs(t, c, group); !slices.Equal(ids, []string{"client-a", "client-b"}) {
			t.Errorf("members after the join: %q", ids)
		}

		// The same heartbeat again, as the client sends every 30 s.
		resp, err := a.Invoke(ctx, remoting.NewRequest(remoting.HeartBeat, nil, heartbeatBody("client-a", group, topic)))
		if err != nil || resp.Err() != nil {
			t.Fatalf("repeated heartbeat: %v %v", err, resp)
		}
		expectNote("a repeated heartbeat", false)

		b.Close()
		expectNote("a member's connection closed", true)
		if ids := consumerIDs(t, c, group); fmt.Sprint(ids) != "[client-a]" {
			t.Errorf("members after the leave: %q", ids)
		}
	})
}
