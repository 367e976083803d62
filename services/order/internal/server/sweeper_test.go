package server

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestSweeper(t *testing.T) {
	var calls atomic.Int32
	var running atomic.Bool
	s, err := NewSweeper(func(ctx context.Context, grace time.Duration) (int, error) {
		running.Store(true)
		defer running.Store(false)
		if grace != time.Minute {
			t.Errorf("grace = %v", grace)
		}
		if calls.Add(1)%2 == 0 {
			return 0, errors.New("db down")
		}
		<-time.After(5 * time.Millisecond)
		return 1, nil
	}, 10*time.Millisecond, time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for calls.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if running.Load() {
		t.Fatal("a sweep still runs after Stop")
	}
	n := calls.Load()
	if n < 3 {
		t.Fatalf("%d sweeps, want >= 3 (errors must not stop the loop)", n)
	}
	time.Sleep(30 * time.Millisecond)
	if calls.Load() != n {
		t.Fatal("sweeps after Stop")
	}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
}

func TestNewSweeperValidates(t *testing.T) {
	sweep := func(context.Context, time.Duration) (int, error) { return 0, nil }
	tests := []struct {
		name     string
		sweep    SweepFunc
		interval time.Duration
		grace    time.Duration
	}{
		{"no func", nil, time.Second, 0},
		{"zero interval", sweep, 0, 0},
		{"negative grace", sweep, time.Second, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewSweeper(tt.sweep, tt.interval, tt.grace, nil); err == nil {
				t.Fatal("no error")
			}
		})
	}
}
