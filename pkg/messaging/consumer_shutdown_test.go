package messaging

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestConsumerShutdownTimeout checks that Shutdown returns, with
// ErrShutdownTimeout, when the client's own shutdown never does.
func TestConsumerShutdownTimeout(t *testing.T) {
	o, err := ConsumerOptions{NameServers: []string{"127.0.0.1:9876"}, Group: "g", ShutdownTimeout: 50 * time.Millisecond}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	f := &fakePushConsumer{hang: make(chan struct{})}
	defer close(f.hang)
	c := newConsumer(o, f)
	if err := c.Subscribe("order", "*", func(context.Context, Delivery) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Shutdown() }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrShutdownTimeout) {
			t.Fatalf("Shutdown() = %v, want ErrShutdownTimeout", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown did not return while the client hung")
	}
}
