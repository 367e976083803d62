//go:build e2e

package e2e

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/route"
	"github.com/sagashop/sagashop/pkg/event"
)

// The broker's stored messages, read with PULL_MESSAGE on its mapped port.

// halfMessage is a transaction half message found in the broker.
type halfMessage struct {
	offset int64 // in RMQ_SYS_TRANS_HALF_TOPIC queue 0
	sn     string
}

// halves lists the half messages of order:created events the broker
// holds, oldest first. Others (the order service's start-up warm-up
// message, tag "warmup") are left out.
func (s *stack) halves(t testing.TB) []halfMessage {
	t.Helper()
	var out []halfMessage
	for _, m := range s.pullAll(t, route.TransHalfTopic, 0) {
		if m.Property(message.PropTags) != event.OrderCreated.Tag() {
			continue
		}
		env := decodeEvent(t, m)
		out = append(out, halfMessage{offset: m.QueueOffset, sn: env.OrderSN})
	}
	return out
}

// resolved returns the half offsets that have an op (commit or rollback).
func (s *stack) resolved(t testing.TB) map[int64]bool {
	t.Helper()
	out := map[int64]bool{}
	for _, m := range s.pullAll(t, route.TransOpHalfTopic, 0) {
		if off, err := strconv.ParseInt(string(m.Body), 10, 64); err == nil {
			out[off] = true
		}
	}
	return out
}

// delivered returns the events of type typ for order sn stored in their
// topic (all its queues): a committed half message shows up there.
func (s *stack) delivered(t testing.TB, typ event.Type, sn string) []event.Envelope {
	t.Helper()
	var out []event.Envelope
	for q := 0; q < topicQueues; q++ {
		for _, m := range s.pullAll(t, typ.Topic(), q) {
			if m.Property(message.PropTags) != typ.Tag() {
				continue
			}
			if env := decodeEvent(t, m); env.OrderSN == sn {
				out = append(out, env)
			}
		}
	}
	return out
}

// topicQueues is the services' topic_queues: the saga topics' queue count.
const topicQueues = 4

// pullAll reads one queue of a topic from its start.
func (s *stack) pullAll(t testing.TB, topic string, queue int) []admin.Message {
	t.Helper()
	addr, err := s.brokerAddr()
	if err != nil {
		t.Fatal(err)
	}
	var out []admin.Message
	for off := int64(0); ; {
		c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		res, err := s.admin.Pull(c, addr, admin.PullRequest{Group: admin.ToolsConsumerGroup, Topic: topic, QueueID: queue, Offset: off})
		cancel()
		if err != nil {
			t.Fatalf("pull %s queue %d at %d: %v", topic, queue, off, err)
		}
		if len(res.Messages) == 0 {
			return out
		}
		out = append(out, res.Messages...)
		off = res.NextBeginOffset
	}
}

// decodeEvent decodes a stored saga message.
func decodeEvent(t testing.TB, m admin.Message) event.Envelope {
	t.Helper()
	body, err := m.InflatedBody()
	if err != nil {
		t.Fatalf("%s message at %d: %v", m.Topic, m.QueueOffset, err)
	}
	env, err := event.Decode(body)
	if err != nil {
		t.Fatalf("%s message at %d does not decode: %v", m.Topic, m.QueueOffset, err)
	}
	return env
}
