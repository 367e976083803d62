package messaging

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

// TestSendConsume sends tagged messages to two topics and consumes them
// with one consumer: a tag expression per topic, a handler per topic.
func TestSendConsume(t *testing.T) {
	needClient(t)
	c := testCluster(t)
	orders, stock := uniqName("order"), uniqName("stock")
	ensure(t, c, orders, stock)
	var inOrders, inStock inbox
	startConsumer(t, c, sub{orders, "created || timeout", inOrders.handle}, sub{stock, "*", inStock.handle})
	p := startProducer(t, c)

	tests := []struct {
		name  string
		m     Message
		inbox *inbox // nil: filtered out
	}{
		{"created", Message{Topic: orders, Tag: "created", Keys: []string{"order:created/S1/1", "S1"},
			Properties: map[string]string{"trace": "t1"}}, &inOrders},
		{"timeout", Message{Topic: orders, Tag: "timeout", Keys: []string{"S2"}}, &inOrders},
		{"paid is filtered", Message{Topic: orders, Tag: "paid", Keys: []string{"S3"}}, nil},
		{"untagged is filtered", Message{Topic: orders}, nil},
		{"other topic", Message{Topic: stock, Tag: "reserved"}, &inStock},
	}
	sentAt := time.Now()
	for i := range tests {
		tests[i].m.Body = []byte(unique(tests[i].name))
		if err := p.Send(context.Background(), tests[i].m); err != nil {
			t.Fatalf("Send %s: %v", tests[i].name, err)
		}
	}
	for _, tt := range tests {
		if tt.inbox != nil {
			tt.inbox.wait(t, 1, 15*time.Second, string(tt.m.Body))
		}
	}
	time.Sleep(500 * time.Millisecond) // filtered messages would have come by now
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := string(tt.m.Body)
			if tt.inbox == nil {
				if n := len(inOrders.of(body)) + len(inStock.of(body)); n != 0 {
					t.Fatalf("delivered %d times, want filtered out", n)
				}
				return
			}
			got := tt.inbox.of(body)
			if len(got) != 1 {
				t.Fatalf("delivered %d times, want once", len(got))
			}
			d := got[0].Delivery
			if !reflect.DeepEqual(d.Message, tt.m) {
				t.Errorf("delivered %+v, want %+v", d.Message, tt.m)
			}
			if d.MsgID == "" || d.ReconsumeTimes != 0 || d.BornAt.Before(sentAt.Add(-time.Second)) || d.BornAt.After(time.Now()) {
				t.Errorf("MsgID %q ReconsumeTimes %d BornAt %v", d.MsgID, d.ReconsumeTimes, d.BornAt)
			}
		})
	}
}

// TestDelayLevel checks that a message with delay level 2 (1s in the
// test table) arrives no sooner than that, and one without at once.
func TestDelayLevel(t *testing.T) {
	needClient(t)
	c := testCluster(t)
	topic := uniqName("delay")
	ensure(t, c, topic)
	var in inbox
	startConsumer(t, c, sub{topic, "*", in.handle})
	p := startProducer(t, c)
	// The bounds are loose for a loaded machine: the consumer starts
	// with the sends, and the delayed message must come after the other.
	tests := []struct {
		name     string
		level    int
		min, max time.Duration
	}{
		{"no delay", 0, 0, 5 * time.Second},
		{"level 2", 2, time.Second, 8 * time.Second},
	}
	sent := map[string]time.Time{}
	for _, tt := range tests {
		sent[tt.name] = time.Now()
		if err := p.Send(context.Background(), Message{Topic: topic, Body: []byte(tt.name), DelayLevel: tt.level}); err != nil {
			t.Fatal(err)
		}
	}
	in.wait(t, 1, 15*time.Second, "no delay", "level 2")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			took := in.of(tt.name)[0].at.Sub(sent[tt.name])
			if took < tt.min || took > tt.max {
				t.Errorf("delivered after %v, want %v to %v", took, tt.min, tt.max)
			}
		})
	}
	if in.of("level 2")[0].at.Before(in.of("no delay")[0].at) {
		t.Errorf("the delayed message came first")
	}
}

// TestShutdownTwice shuts down started and unstarted producers and
// consumers twice, and checks they refuse work afterwards.
func TestShutdownTwice(t *testing.T) {
	needClient(t)
	c := testCluster(t)
	topic := uniqName("shut")
	ensure(t, c, topic)
	ns := []string{c.NamesrvAddr}
	check := func(context.Context, Delivery) TxState { return TxUnknown }
	type lifecycle interface {
		Start() error
		Shutdown() error
	}
	newCons := func() (lifecycle, error) {
		cons, err := NewConsumer(ConsumerOptions{NameServers: ns, Group: uniqName("g")})
		if err != nil {
			return nil, err
		}
		return cons, cons.Subscribe(topic, "*", func(context.Context, Delivery) error { return nil })
	}
	tests := []struct {
		name  string
		new   func() (lifecycle, error)
		start bool
	}{
		{"producer", func() (lifecycle, error) { return NewProducer(ProducerOptions{NameServers: ns, Group: uniqName("p")}) }, true},
		{"producer never started", func() (lifecycle, error) { return NewProducer(ProducerOptions{NameServers: ns, Group: uniqName("p")}) }, false},
		{"tx producer", func() (lifecycle, error) {
			return NewTxProducer(ProducerOptions{NameServers: ns, Group: uniqName("tx")}, check)
		}, true},
		{"consumer", newCons, true},
		{"consumer never started", newCons, false},
	}
	msg := Message{Topic: topic, Body: []byte("x")}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := tt.new()
			if err != nil {
				t.Fatal(err)
			}
			if tt.start {
				if err := x.Start(); err != nil {
					t.Fatal(err)
				}
				if p, ok := x.(*Producer); ok {
					if err := p.Send(context.Background(), msg); err != nil {
						t.Fatal(err)
					}
				}
			}
			for i := range 2 {
				if err := x.Shutdown(); err != nil {
					t.Fatalf("Shutdown %d: %v", i+1, err)
				}
			}
			if err := x.Start(); !errors.Is(err, ErrShutdown) {
				t.Errorf("Start after Shutdown = %v, want ErrShutdown", err)
			}
			var sendErr error
			switch x := x.(type) {
			case *Producer:
				sendErr = x.Send(context.Background(), msg)
			case *TxProducer:
				sendErr = x.SendInTransaction(context.Background(), msg, func(context.Context) error { return nil })
			default:
				return
			}
			if !errors.Is(sendErr, ErrShutdown) {
				t.Errorf("send after Shutdown = %v, want ErrShutdown", sendErr)
			}
		})
	}
}

// TestSendErrors checks Send's refusals against a live broker.
func TestSendErrors(t *testing.T) {
	needClient(t)
	c := testCluster(t)
	p, err := NewProducer(ProducerOptions{NameServers: []string{c.NamesrvAddr}, Group: uniqName("p"), SendTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Send(context.Background(), Message{Topic: "t", Body: []byte("x")}); !errors.Is(err, ErrNotStarted) {
		t.Errorf("Send before Start = %v, want ErrNotStarted", err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown()
	if err := p.Send(context.Background(), Message{Topic: "t"}); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("Send without body = %v, want ErrInvalidMessage", err)
	}
}
