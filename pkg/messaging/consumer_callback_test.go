package messaging

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
)

// newFakeConsumer returns a Consumer over a fakePushConsumer.
func newFakeConsumer(t *testing.T) (*Consumer, *fakePushConsumer, *recLogger) {
	t.Helper()
	l := &recLogger{}
	o, err := ConsumerOptions{NameServers: []string{"127.0.0.1:9876"}, Group: "g", Logger: l}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	f := &fakePushConsumer{}
	return newConsumer(o, f), f, l
}

func TestConsumerResults(t *testing.T) {
	tests := []struct {
		name    string
		handler Handler
		want    consumer.ConsumeResult
		logged  string
	}{
		{"ack", func(context.Context, Delivery) error { return nil }, consumer.ConsumeSuccess, ""},
		{"error", func(context.Context, Delivery) error { return errors.New("db down") }, consumer.ConsumeRetryLater, "db down"},
		{"panic", func(context.Context, Delivery) error { panic("boom") }, consumer.ConsumeRetryLater, "handler panicked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, l := newFakeConsumer(t)
			var got Delivery
			if err := c.Subscribe("order", "created || timeout", func(ctx context.Context, d Delivery) error {
				got = d
				return tt.handler(ctx, d)
			}); err != nil {
				t.Fatal(err)
			}
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			defer c.Shutdown()
			if res := f.deliver("order", "m1"); res != tt.want {
				t.Errorf("result %v, want %v", res, tt.want)
			}
			if got.Topic != "order" || string(got.Body) != "m1" {
				t.Errorf("handler got %+v", got)
			}
			if tt.logged != "" && l.count(tt.logged) == 0 {
				t.Errorf("nothing logged with %q: %q", tt.logged, l.lines)
			}
		})
	}
}

func TestConsumerSubscribeRules(t *testing.T) {
	h := func(context.Context, Delivery) error { return nil }
	c, _, _ := newFakeConsumer(t)
	if err := c.Start(); !errors.Is(err, ErrSubscription) {
		t.Errorf("Start without subscription = %v, want ErrSubscription", err)
	}
	tests := []struct {
		name  string
		topic string
		h     Handler
		ok    bool
	}{
		{"first", "order", h, true},
		{"second topic", "stock", h, true},
		{"twice", "order", h, false},
		{"no handler", "payment", nil, false},
		{"bad topic", "a b", h, false},
	}
	c, _, _ = newFakeConsumer(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Subscribe(tt.topic, "", tt.h)
			if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrSubscription)) {
				t.Errorf("Subscribe = %v, want ok %v or ErrSubscription", err, tt.ok)
			}
		})
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if err := c.Subscribe("payment", "", h); !errors.Is(err, ErrSubscription) {
		t.Errorf("Subscribe after Start = %v, want ErrSubscription", err)
	}
	c.Shutdown()
}

// TestConsumerShutdownWaits checks that Shutdown waits for a running
// handler, that a message arriving meanwhile is held until the client is
// down and not handled, and that Shutdown is idempotent.
func TestConsumerShutdownWaits(t *testing.T) {
	c, f, _ := newFakeConsumer(t)
	entered, release := make(chan struct{}), make(chan struct{})
	handled := make(chan string, 2)
	c.Subscribe("order", "*", func(_ context.Context, d Delivery) error {
		handled <- string(d.Body)
		if string(d.Body) == "slow" {
			close(entered)
			<-release
		}
		return nil
	})
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	slow := make(chan consumer.ConsumeResult, 1)
	go func() { slow <- f.deliver("order", "slow") }()
	<-entered
	done := make(chan error, 1)
	go func() { done <- c.Shutdown() }()
	if !eventually(2*time.Second, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.suspended }) {
		t.Fatal("Shutdown did not suspend pulling")
	}
	late := make(chan consumer.ConsumeResult, 1)
	go func() { late <- f.deliver("order", "late") }()
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v while a handler runs", err)
	case res := <-late:
		t.Fatalf("a message delivered during Shutdown returned %v before the client was down", res)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if res := <-slow; res != consumer.ConsumeSuccess {
		t.Errorf("running handler's result %v", res)
	}
	if res := <-late; res != consumer.ConsumeRetryLater {
		t.Errorf("late message's result %v, want RetryLater (ignored: its queue is dropped)", res)
	}
	if err := c.Shutdown(); err != nil {
		t.Errorf("second Shutdown: %v", err)
	}
	if f.shutdowns != 1 {
		t.Errorf("client shut down %d times", f.shutdowns)
	}
	close(handled)
	for b := range handled {
		if b != "slow" {
			t.Errorf("%q handled during Shutdown", b)
		}
	}
	if err := c.Start(); !errors.Is(err, ErrShutdown) {
		t.Errorf("Start after Shutdown = %v, want ErrShutdown", err)
	}
}

func TestConsumerShutdownNeverStarted(t *testing.T) {
	c, f, _ := newFakeConsumer(t)
	for range 2 {
		if err := c.Shutdown(); err != nil {
			t.Fatal(err)
		}
	}
	if f.shutdowns != 0 {
		t.Errorf("a client never started was shut down %d times", f.shutdowns)
	}
}
