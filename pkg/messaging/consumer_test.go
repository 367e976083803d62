package messaging

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

// TestRedelivery fails the first delivery of a message (an error, or a
// panic): the broker delivers it again with ReconsumeTimes 1, then never
// again once acknowledged.
func TestRedelivery(t *testing.T) {
	needClient(t)
	c := testCluster(t)
	topic := uniqName("retry")
	ensure(t, c, topic)
	in := inbox{result: func(d Delivery, n int) error {
		if n > 1 {
			return nil
		}
		if string(d.Body) == "panic" {
			panic("handler bug")
		}
		return errors.New("db unavailable")
	}}
	startConsumer(t, c, sub{topic, "created", in.handle})
	p := startProducer(t, c)
	tests := []struct{ name string }{{"error"}, {"panic"}}
	for _, tt := range tests {
		m := Message{Topic: topic, Tag: "created", Keys: []string{"k-" + tt.name}, Body: []byte(tt.name),
			Properties: map[string]string{"trace": tt.name}}
		if err := p.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	in.wait(t, 2, 20*time.Second, "error", "panic")
	time.Sleep(time.Second) // a third delivery would come by now (retry delay 200ms)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := in.of(tt.name)
			if len(got) != 2 {
				t.Fatalf("delivered %d times, want 2", len(got))
			}
			first, second := got[0].Delivery, got[1].Delivery
			if first.ReconsumeTimes != 0 || second.ReconsumeTimes != 1 {
				t.Errorf("ReconsumeTimes %d then %d, want 0 then 1", first.ReconsumeTimes, second.ReconsumeTimes)
			}
			if second.MsgID != first.MsgID || !reflect.DeepEqual(second.Message, first.Message) || second.Topic != topic {
				t.Errorf("redelivered %+v (%s), first %+v (%s)", second.Message, second.MsgID, first.Message, first.MsgID)
			}
		})
	}
}
