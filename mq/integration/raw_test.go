package integration

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/primitive"

	"github.com/sagashop/sagashop/mq/remoting"
)

// invoke sends one request on a connection of its own and returns the
// response. It is safe to call from any goroutine.
func invoke(addr string, code remoting.RequestCode, ext map[string]string, body []byte) (*remoting.Command, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := remoting.Dial(ctx, addr, nil, remoting.ConnOptions{})
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return conn.Invoke(ctx, remoting.NewRequest(code, ext, body))
}

func mustInvoke(t *testing.T, addr string, code remoting.RequestCode, ext map[string]string, body []byte) *remoting.Command {
	t.Helper()
	resp, err := invoke(addr, code, ext, body)
	if err != nil {
		t.Fatalf("%s to %s: %v", code, addr, err)
	}
	return resp
}

// routeData is the part of TopicRouteData the tests look at.
type routeData struct {
	QueueDatas []struct {
		BrokerName     string `json:"brokerName"`
		ReadQueueNums  int    `json:"readQueueNums"`
		WriteQueueNums int    `json:"writeQueueNums"`
		Perm           int    `json:"perm"`
	} `json:"queueDatas"`
	BrokerDatas []struct {
		BrokerName  string            `json:"brokerName"`
		BrokerAddrs map[string]string `json:"brokerAddrs"`
	} `json:"brokerDatas"`
}

// route asks the NameServer for topic's route; ok is false on
// TOPIC_NOT_EXIST.
func route(t *testing.T, c *cluster, topic string) (rd routeData, ok bool) {
	t.Helper()
	resp := mustInvoke(t, c.NamesrvAddr, remoting.GetRouteInfoByTopic, map[string]string{"topic": topic}, nil)
	switch remoting.ResponseCode(resp.Code) {
	case remoting.TopicNotExist:
		return rd, false
	case remoting.Success:
	default:
		t.Fatalf("route of %s: %v", topic, resp.Err())
	}
	if err := json.Unmarshal(resp.Body, &rd); err != nil {
		t.Fatalf("route of %s: %v in %s", topic, err, resp.Body)
	}
	return rd, true
}

// waitRoute waits until the NameServer routes topic to this cluster's
// broker with at least queues read queues.
func waitRoute(t *testing.T, c *cluster, topic string, queues int) routeData {
	t.Helper()
	var rd routeData
	ok := eventually(10*time.Second, func() bool {
		var found bool
		rd, found = route(t, c, topic)
		if !found || len(rd.QueueDatas) == 0 || rd.QueueDatas[0].ReadQueueNums < queues {
			return false
		}
		for _, bd := range rd.BrokerDatas {
			if bd.BrokerAddrs["0"] == c.BrokerAddr {
				return true
			}
		}
		return false
	})
	if !ok {
		t.Fatalf("the NameServer has no route of %s with %d queues to %s after 10s (last: %+v)", topic, queues, c.BrokerAddr, rd)
	}
	return rd
}

// consumerIDs asks the broker for the live members of group.
func consumerIDs(t *testing.T, c *cluster, group string) []string {
	t.Helper()
	resp := mustInvoke(t, c.BrokerAddr, remoting.GetConsumerListByGroup, map[string]string{"consumerGroup": group}, nil)
	var body struct {
		ConsumerIDList []string `json:"consumerIdList"`
	}
	if len(resp.Body) > 0 {
		if err := json.Unmarshal(resp.Body, &body); err != nil {
			t.Fatalf("consumer list of %s: %v in %s", group, err, resp.Body)
		}
	}
	return body.ConsumerIDList
}

// waitConsumers waits until the broker lists exactly n members of group.
func waitConsumers(t *testing.T, c *cluster, group string, n int) {
	t.Helper()
	var ids []string
	if !eventually(10*time.Second, func() bool { ids = consumerIDs(t, c, group); return len(ids) == n }) {
		t.Fatalf("group %s has members %q after 10s, want %d", group, ids, n)
	}
}

// committedOffset asks the broker for group's committed offset of a
// queue; ok is false on QUERY_NOT_FOUND.
func committedOffset(t *testing.T, c *cluster, group, topic string, queueID int) (int64, bool) {
	t.Helper()
	resp := mustInvoke(t, c.BrokerAddr, remoting.QueryConsumerOffset, map[string]string{
		"consumerGroup": group, "topic": topic, "queueId": strconv.Itoa(queueID)}, nil)
	switch remoting.ResponseCode(resp.Code) {
	case remoting.QueryNotFound:
		return -1, false
	case remoting.Success:
	default:
		t.Fatalf("query offset %s/%s/%d: %v", group, topic, queueID, resp.Err())
	}
	off, err := strconv.ParseInt(resp.Ext("offset"), 10, 64)
	if err != nil {
		t.Fatalf("query offset %s/%s/%d: offset %q", group, topic, queueID, resp.Ext("offset"))
	}
	return off, true
}

// maxOffset asks the broker for a queue's next offset to be written.
func maxOffset(t *testing.T, c *cluster, topic string, queueID int) int64 {
	t.Helper()
	resp := mustInvoke(t, c.BrokerAddr, remoting.GetMaxOffset, map[string]string{"topic": topic, "queueId": strconv.Itoa(queueID)}, nil)
	if err := resp.Err(); err != nil {
		t.Fatalf("max offset %s/%d: %v", topic, queueID, err)
	}
	off, err := strconv.ParseInt(resp.Ext("offset"), 10, 64)
	if err != nil {
		t.Fatalf("max offset %s/%d: offset %q", topic, queueID, resp.Ext("offset"))
	}
	return off
}

// pullResult is a raw PULL_MESSAGE reply.
type pullResult struct {
	code                 remoting.ResponseCode
	remark               string
	next, minOff, maxOff int64
	msgs                 []*primitive.MessageExt
}

// rawPull sends PULL_MESSAGE without the suspend bit, so the broker
// answers at once, with the subscription expression in the request.
// Bodies are decoded with the client's own decoder.
func rawPull(t *testing.T, c *cluster, group, topic string, queueID int, offset int64, maxMsgs int, expr string) pullResult {
	t.Helper()
	resp := mustInvoke(t, c.BrokerAddr, remoting.PullMessage, map[string]string{
		"consumerGroup": group, "topic": topic, "queueId": strconv.Itoa(queueID),
		"queueOffset": strconv.FormatInt(offset, 10), "maxMsgNums": strconv.Itoa(maxMsgs),
		"sysFlag": "4", "commitOffset": "0", "suspendTimeoutMillis": "0",
		"subscription": expr, "subVersion": "0", "expressionType": "TAG",
	}, nil)
	r := pullResult{code: remoting.ResponseCode(resp.Code), remark: resp.Remark}
	num := func(k string) int64 {
		n, err := strconv.ParseInt(resp.Ext(k), 10, 64)
		if err != nil && (r.code == remoting.Success || r.code == remoting.PullNotFound ||
			r.code == remoting.PullRetryImmediately || r.code == remoting.PullOffsetMoved) {
			t.Errorf("pull %s/%d@%d: reply %s has %s=%q", topic, queueID, offset, r.code, k, resp.Ext(k))
		}
		return n
	}
	r.next, r.minOff, r.maxOff = num("nextBeginOffset"), num("minOffset"), num("maxOffset")
	if r.code == remoting.Success {
		r.msgs = primitive.DecodeMessage(resp.Body)
	}
	return r
}
