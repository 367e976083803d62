package integration

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/admin"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// topicListed reports whether FetchAllTopicList names topic.
func topicListed(t *testing.T, a admin.Admin, topic string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	list, err := a.FetchAllTopicList(ctx)
	if err != nil {
		t.Fatalf("FetchAllTopicList: %v", err)
	}
	return slices.Contains(list.TopicList, topic)
}

// TestAdminCreateDeleteTopic creates a topic through the client's admin
// API, checks the NameServer lists and routes it with the requested
// queues and that producers can use it, then deletes it through the
// route lookup the admin client does by itself.
func TestAdminCreateDeleteTopic(t *testing.T) {
	forEachCluster(t, clusterOptions{}, func(t *testing.T, c *cluster) {
		a := newAdmin(t, c)
		topic := uniqName(t, "admin")
		if topicListed(t, a, topic) {
			t.Fatalf("%s is listed before it was created", topic)
		}
		ctx := context.Background()
		err := a.CreateTopic(ctx, admin.WithTopicCreate(topic), admin.WithBrokerAddrCreate(c.BrokerAddr),
			admin.WithReadQueueNums(3), admin.WithWriteQueueNums(3))
		if err != nil {
			t.Fatalf("CreateTopic: %v", err)
		}
		rd := waitRoute(t, c, topic, 3)
		if q := rd.QueueDatas[0]; q.ReadQueueNums != 3 || q.WriteQueueNums != 3 || q.Perm != 6 {
			t.Errorf("route queue data %+v, want 3 read and 3 write queues, perm 6", q)
		}
		if !eventually(5*time.Second, func() bool { return topicListed(t, a, topic) }) {
			t.Fatalf("%s is not listed after CreateTopic", topic)
		}
		mqs, err := a.FetchPublishMessageQueues(ctx, topic)
		if err != nil || len(mqs) != 3 {
			t.Fatalf("FetchPublishMessageQueues: %d queues, %v; want 3", len(mqs), err)
		}
		p := newProducer(t, c)
		res := sendSync(t, p, primitive.NewMessage(topic, []byte("hello")))
		if res.MessageQueue.QueueId >= 3 {
			t.Errorf("sent to queue %d of a 3-queue topic", res.MessageQueue.QueueId)
		}

		if err := a.DeleteTopic(ctx, admin.WithTopicDelete(topic)); err != nil {
			t.Fatalf("DeleteTopic: %v", err)
		}
		if !eventually(5*time.Second, func() bool { _, ok := route(t, c, topic); return !ok }) {
			t.Errorf("the NameServer still routes %s after DeleteTopic", topic)
		}
		if topicListed(t, a, topic) {
			t.Errorf("%s is still listed after DeleteTopic", topic)
		}
		// The broker forgot it too: creating another topic makes the
		// broker register its whole table again, without the deleted one.
		createTopic(t, c, uniqName(t, "admin2"), 1)
		if _, ok := route(t, c, topic); ok {
			t.Errorf("the broker registered %s again after DeleteTopic", topic)
		}
	})
}
