package messaging

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/sagashop/sagashop/pkg/event"
)

func TestMessageValidate(t *testing.T) {
	good := Message{Topic: "order", Tag: "created", Keys: []string{"k1", "k2"}, Body: []byte("x"), DelayLevel: 3,
		Properties: map[string]string{"trace": "1"}}
	tests := []struct {
		name   string
		mutate func(*Message)
		ok     bool
	}{
		{"good", func(*Message) {}, true},
		{"no tag no keys", func(m *Message) { m.Tag, m.Keys, m.Properties = "", nil, nil }, true},
		{"no topic", func(m *Message) { m.Topic = "" }, false},
		{"bad topic", func(m *Message) { m.Topic = "a/b" }, false},
		{"system topic", func(m *Message) { m.Topic = "RMQ_SYS_TRANS_HALF_TOPIC" }, false},
		{"retry topic", func(m *Message) { m.Topic = "%RETRY%g" }, false},
		{"empty body", func(m *Message) { m.Body = nil }, false},
		{"negative delay", func(m *Message) { m.DelayLevel = -1 }, false},
		{"tag with bar", func(m *Message) { m.Tag = "a||b" }, false},
		{"tag with space", func(m *Message) { m.Tag = " a" }, false},
		{"empty key", func(m *Message) { m.Keys = []string{""} }, false},
		{"key with space", func(m *Message) { m.Keys = []string{"a b"} }, false},
		{"reserved property", func(m *Message) { m.Properties = map[string]string{"KEYS": "x"} }, false},
		{"our property", func(m *Message) { m.Properties = map[string]string{propTxRef: "x"} }, false},
		{"separator in value", func(m *Message) { m.Properties = map[string]string{"a": "x\x01"} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := good
			tt.mutate(&m)
			_, err := m.toPrimitive()
			if tt.ok && err != nil {
				t.Fatal(err)
			}
			if !tt.ok && !errors.Is(err, ErrInvalidMessage) {
				t.Fatalf("error = %v, want ErrInvalidMessage", err)
			}
		})
	}
}

func TestMessageRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		m    Message
	}{
		{"full", Message{Topic: "order", Tag: "created", Keys: []string{"order:created/S/1", "S"}, Body: []byte("{}"),
			DelayLevel: 16, Properties: map[string]string{"trace": "abc", "n": "1"}}},
		{"bare", Message{Topic: "t", Body: []byte("b")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pm, err := tt.m.toPrimitive()
			if err != nil {
				t.Fatal(err)
			}
			born := time.UnixMilli(time.Now().UnixMilli())
			me := &primitive.MessageExt{ReconsumeTimes: 2, QueueOffset: 7, MsgId: "offset-id", BornTimestamp: born.UnixMilli()}
			me.Topic, me.Body, me.Queue = pm.Topic, pm.Body, &primitive.MessageQueue{QueueId: 3}
			props := pm.GetProperties()
			props[primitive.PropertyUniqueClientMessageIdKeyIndex] = "uniq"
			props[primitive.PropertyConsumeStartTime] = "1"
			me.WithProperties(props)
			d := fromExt(me)
			want := Delivery{Message: tt.m, MsgID: "uniq", ReconsumeTimes: 2, QueueID: 3, QueueOffset: 7, BornAt: born}
			if !reflect.DeepEqual(d, want) {
				t.Errorf("fromExt = %+v\nwant      %+v", d, want)
			}
		})
	}
}

func TestEventMessage(t *testing.T) {
	e, err := event.New(event.StockReserved, "SN-1", 2, time.Now(), event.StockReservedPayload{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := EventMessage(e)
	if err != nil {
		t.Fatal(err)
	}
	if m.Topic != "stock" || m.Tag != "reserved" || !reflect.DeepEqual(m.Keys, []string{"stock:reserved/SN-1/2", "SN-1"}) {
		t.Errorf("EventMessage = %+v", m)
	}
	back, err := event.Decode(m.Body)
	if err != nil || back.EventID != e.EventID {
		t.Errorf("body decodes to %+v, %v", back, err)
	}
	if _, err := m.toPrimitive(); err != nil {
		t.Errorf("event message invalid: %v", err)
	}
	e.Version = 0
	if _, err := EventMessage(e); !errors.Is(err, ErrInvalidMessage) || !errors.Is(err, event.ErrMalformed) {
		t.Errorf("EventMessage(bad) error = %v, want ErrInvalidMessage and event.ErrMalformed", err)
	}
}
