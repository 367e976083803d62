package kit

import (
	"context"
	"net"
	"testing"
	"time"

	kgrpc "github.com/go-kratos/kratos/v2/transport/grpc"
	"google.golang.org/grpc/health/grpc_health_v1"
)

// startGRPC starts a kit gRPC server (kratos registers the health service)
// on addr and returns it running.
func startGRPC(t *testing.T, addr string) *kgrpc.Server {
	t.Helper()
	srv := NewGRPCServer(GRPCOptions{Addr: addr})
	if _, err := srv.Endpoint(); err != nil { // listens
		t.Fatal(err)
	}
	go func() { _ = srv.Start(context.Background()) }()
	return srv
}

// TestDialGRPCSurvivesRestart checks that a call made while the peer is
// down waits for it to come back instead of failing at once.
func TestDialGRPCSurvivesRestart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	first := startGRPC(t, addr)
	conn, err := DialGRPC(context.Background(), addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	health := grpc_health_v1.NewHealthClient(conn)
	if _, err := health.Check(context.Background(), &grpc_health_v1.HealthCheckRequest{}); err != nil {
		t.Fatalf("first call: %v", err)
	}
	if err := first.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The peer is down; bring it back while the next call waits.
	restarted := make(chan *kgrpc.Server, 1)
	go func() {
		time.Sleep(700 * time.Millisecond)
		restarted <- startGRPC(t, addr)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	_, err = health.Check(ctx, &grpc_health_v1.HealthCheckRequest{})
	second := <-restarted
	defer second.Stop(context.Background())
	if err != nil {
		t.Fatalf("call across the restart: %v", err)
	}
}
