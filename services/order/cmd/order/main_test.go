package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/go-kratos/kratos/v2/log"
)

// TestFaults re-runs the test binary as a child that reaches a fault
// point: armed, the child dies of SIGKILL; not armed, it goes on.
func TestFaults(t *testing.T) {
	if point := os.Getenv("ORDER_FAULT_CHILD"); point != "" {
		hook := faults(os.Getenv("SAGASHOP_FAULT"), log.NewStdLogger(io.Discard))
		if hook != nil {
			hook(point)
		}
		os.Exit(0)
	}
	tests := []struct {
		name   string
		armed  string
		reach  string
		killed bool
	}{
		{"armed point kills", "order.before_local_commit", "order.before_local_commit", true},
		{"one of a list", "x, order.after_local_commit", "order.after_local_commit", true},
		{"other point passes", "order.before_local_commit", "order.after_local_commit", false},
		{"nothing armed", "", "order.after_local_commit", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestFaults$")
			cmd.Env = append(os.Environ(), "ORDER_FAULT_CHILD="+tt.reach, "SAGASHOP_FAULT="+tt.armed)
			err := cmd.Run()
			var exit *exec.ExitError
			killed := errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL
			if killed != tt.killed || (!tt.killed && err != nil) {
				t.Fatalf("child: %v, want killed %v", err, tt.killed)
			}
		})
	}
}
