package redisx_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/sagashop/sagashop/pkg/redisx"
)

func TestStartInProcess(t *testing.T) {
	addr, stop, err := redisx.StartInProcess()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if host, _, _ := net.SplitHostPort(addr); host != "127.0.0.1" {
		t.Fatalf("addr = %s, want 127.0.0.1:port", addr)
	}
	c, err := redisx.New(redisx.Options{Addr: addr})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.Set(ctx, "k", "v", 300*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("GET = %q, %v", v, err)
	}
	// TTLs run on the wall clock
	time.Sleep(400 * time.Millisecond)
	if n, err := c.Exists(ctx, "k").Result(); err != nil || n != 0 {
		t.Fatalf("EXISTS after TTL = %d, %v; want 0", n, err)
	}
	stop()
	stop() // idempotent
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Fatal("server still listening after stop")
	}
}

func TestNewFails(t *testing.T) {
	// a port nobody listens on
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	tests := []struct {
		name string
		o    redisx.Options
	}{
		{name: "empty address", o: redisx.Options{}},
		{name: "nothing listening", o: redisx.Options{Addr: addr, PingTimeout: 300 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := redisx.New(tt.o); !errors.Is(err, redisx.ErrUnavailable) {
				t.Fatalf("err = %v, want ErrUnavailable", err)
			}
		})
	}
}
