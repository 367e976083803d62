//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/sagashop/sagashop/tests/shopsteps"
)

// Container operations testcontainers has no method for.

// withDocker calls fn with a Docker client.
func withDocker(fn func(ctx context.Context, cli *testcontainers.DockerClient) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	return fn(ctx, cli)
}

// pause freezes every process of alias's container (the cgroup freezer),
// as SIGSTOP would: connections stay open, nothing answers.
func (s *stack) pause(t testing.TB, alias string) {
	t.Helper()
	id := s.container(alias).GetContainerID()
	if err := withDocker(func(ctx context.Context, cli *testcontainers.DockerClient) error {
		_, err := cli.ContainerPause(ctx, id, client.ContainerPauseOptions{})
		return err
	}); err != nil {
		t.Fatalf("pause %s: %v", alias, err)
	}
}

// unpause lets alias's paused container run on.
func (s *stack) unpause(t testing.TB, alias string) {
	t.Helper()
	id := s.container(alias).GetContainerID()
	if err := withDocker(func(ctx context.Context, cli *testcontainers.DockerClient) error {
		_, err := cli.ContainerUnpause(ctx, id, client.ContainerUnpauseOptions{})
		return err
	}); err != nil {
		t.Fatalf("unpause %s: %v", alias, err)
	}
}

// waitExited waits until alias's container has exited and returns its
// exit code.
func (s *stack) waitExited(t testing.TB, alias string, d time.Duration) int {
	t.Helper()
	ctr := s.container(alias)
	code := -1
	shopsteps.Eventually(t, d, alias+" to exit", func() (bool, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		st, err := ctr.State(ctx)
		if err != nil {
			return false, err.Error()
		}
		code = st.ExitCode
		return !st.Running, fmt.Sprintf("state %s", st.Status)
	})
	return code
}
