package saga

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/pkg/event"
)

// storedEvent is a message of the saga as the broker stored it.
type storedEvent struct {
	msg admin.Message
	env event.Envelope
}

// eventsOf returns every message of the saga's topics that carries the key
// sn (each event's keys are its event_id and its order_sn), oldest first.
func (s *shop) eventsOf(t testing.TB, sn string) []storedEvent {
	t.Helper()
	var out []storedEvent
	for _, topic := range []string{event.TopicOrder, event.TopicStock, event.TopicPayment} {
		c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		msgs, err := s.admin.QueryMessageByKey(c, topic, sn, admin.QueryOptions{})
		cancel()
		if err != nil {
			t.Fatalf("query %s messages of %s: %v", topic, sn, err)
		}
		for _, m := range msgs {
			body, err := m.InflatedBody()
			if err != nil {
				t.Fatalf("%s message %s: %v", topic, m.MsgID(), err)
			}
			env, err := event.Decode(body)
			if err != nil {
				t.Fatalf("%s message %s does not decode: %v\n%s", topic, m.MsgID(), err, body)
			}
			if !m.HasKey(env.EventID) || string(env.Type) != topic+":"+m.Property(message.PropTags) {
				t.Errorf("%s message %s: keys %v tag %q do not match its event %s %s", topic, m.MsgID(), m.Keys(), m.Property(message.PropTags), env.Type, env.EventID)
			}
			out = append(out, storedEvent{msg: m, env: env})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].msg.StoreTimestamp < out[j].msg.StoreTimestamp })
	return out
}

// countTypes counts evs by event type.
func countTypes(evs []storedEvent) map[event.Type]int {
	m := map[event.Type]int{}
	for _, e := range evs {
		m[e.env.Type]++
	}
	return m
}

// resend sends a stored event again as it was: same topic, tag, keys, body
// and message id, as a producer retry or a redelivery would.
func (s *shop) resend(t testing.TB, e storedEvent) {
	t.Helper()
	body, err := e.msg.InflatedBody()
	if err != nil {
		t.Fatal(err)
	}
	s.send(t, admin.OutgoingMessage{Topic: e.msg.Topic, Tags: e.msg.Property(message.PropTags), Keys: e.msg.Keys(),
		Body: body, UniqKey: e.msg.Property(message.PropUniqKey)})
}

// sendEvent sends a crafted event the way the services do.
func (s *shop) sendEvent(t testing.TB, typ event.Type, sn string, version int64, payload any) event.Envelope {
	t.Helper()
	env, err := event.New(typ, sn, version, time.Now(), payload)
	if err != nil {
		t.Fatalf("event %s %s: %v", typ, sn, err)
	}
	body, err := event.Encode(env)
	if err != nil {
		t.Fatal(err)
	}
	s.send(t, admin.OutgoingMessage{Topic: typ.Topic(), Tags: typ.Tag(), Keys: env.Keys(), Body: body})
	return env
}

func (s *shop) send(t testing.TB, m admin.OutgoingMessage) {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := s.admin.SendMessage(c, m, admin.DefaultSendOptions())
	if err != nil {
		t.Fatalf("send %s %s %v: %v", m.Topic, m.Tags, m.Keys, err)
	}
	if res.Status != admin.SendOK {
		t.Fatalf("send %s %s %v: %s", m.Topic, m.Tags, m.Keys, res.Status)
	}
}

// describe lists events for a failure message.
func describe(evs []storedEvent) string {
	s := ""
	for _, e := range evs {
		s += fmt.Sprintf("\n  %s %s (msg %s)", e.env.Type, e.env.EventID, e.msg.MsgID())
	}
	return s
}
