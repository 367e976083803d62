package broker

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/sagashop/sagashop/mq/remoting"
)

// lockMaxLive is how long a queue lock lasts without renewal (Java's
// rocketmq.broker.rebalance.lockMaxLiveTime). Go clients renew every 20 s.
const lockMaxLive = 60 * time.Second

type messageQueue struct {
	Topic      string `json:"topic"`
	BrokerName string `json:"brokerName"`
	QueueID    int    `json:"queueId"`
}

type lockBatchBody struct {
	ConsumerGroup string         `json:"consumerGroup"`
	ClientID      string         `json:"clientId"`
	MQSet         []messageQueue `json:"mqSet"`
}

type lockEntry struct {
	clientID string
	renewed  time.Time
}

// lockTable holds the queue locks of orderly consumers: (group, queue) →
// client. A lock is granted when the queue is free, expired, or already
// held by the same client, whose lease it renews.
type lockTable struct {
	mu    sync.Mutex
	locks map[string]map[messageQueue]*lockEntry
}

func newLockTable() *lockTable { return &lockTable{locks: map[string]map[messageQueue]*lockEntry{}} }

func (t *lockTable) tryLock(group, clientID string, mqs []messageQueue, now time.Time) []messageQueue {
	t.mu.Lock()
	defer t.mu.Unlock()
	g := t.locks[group]
	if g == nil {
		g = map[messageQueue]*lockEntry{}
		t.locks[group] = g
	}
	locked := []messageQueue{}
	for _, mq := range mqs {
		e := g[mq]
		if e == nil || e.clientID == clientID || now.Sub(e.renewed) > lockMaxLive {
			g[mq] = &lockEntry{clientID: clientID, renewed: now}
			locked = append(locked, mq)
		}
	}
	return locked
}

func (t *lockTable) unlock(group, clientID string, mqs []messageQueue) {
	t.mu.Lock()
	defer t.mu.Unlock()
	g := t.locks[group]
	for _, mq := range mqs {
		if e := g[mq]; e != nil && e.clientID == clientID {
			delete(g, mq)
		}
	}
	if len(g) == 0 {
		delete(t.locks, group)
	}
}

func parseLockBody(req *remoting.Command) (lockBatchBody, *remoting.Command) {
	var body lockBatchBody
	if err := json.Unmarshal(req.Body, &body); err != nil {
		return body, remoting.Errorf(req, remoting.SystemError, "bad lock body: %v", err)
	}
	if body.ConsumerGroup == "" || body.ClientID == "" {
		return body, remoting.Errorf(req, remoting.SystemError, "lock body needs consumerGroup and clientId")
	}
	return body, nil
}

// lockBatchMQ handles LOCK_BATCH_MQ and answers the queues locked.
func (b *Broker) lockBatchMQ(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	body, bad := parseLockBody(req)
	if bad != nil {
		return bad
	}
	locked := b.locks.tryLock(body.ConsumerGroup, body.ClientID, body.MQSet, b.now())
	return jsonResponse(req, struct {
		LockOKMQSet []messageQueue `json:"lockOKMQSet"`
	}{locked})
}

// unlockBatchMQ handles UNLOCK_BATCH_MQ.
func (b *Broker) unlockBatchMQ(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	body, bad := parseLockBody(req)
	if bad != nil {
		return bad
	}
	b.locks.unlock(body.ConsumerGroup, body.ClientID, body.MQSet)
	return remoting.NewResponse(req, remoting.Success, "")
}
