//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
)

// containerLog is the log of one container of a stack. A container's log
// spans its restarts; a removed container's log is read before it goes.
type containerLog struct {
	alias string
	ctr   *testcontainers.DockerContainer

	mu   sync.Mutex
	kept string // the log read before the container was removed
	gone bool
}

// read returns the whole log (the kept copy once the container is gone).
func (l *containerLog) read(ctx context.Context) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.gone {
		return l.kept
	}
	rc, err := l.ctr.Logs(ctx)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return string(b) + fmt.Sprintf("\n(log cut short: %v)", err)
	}
	return string(b)
}

// keep reads the log for good, before the container is removed.
func (l *containerLog) keep(ctx context.Context) {
	text := l.read(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.kept, l.gone = text, true
}

// keepLogs keeps the log of every container of the stack and, with
// E2E_LOG_DIR set, writes them there.
func (s *stack) keepLogs(ctx context.Context) {
	s.mu.Lock()
	logs := append([]*containerLog(nil), s.logs...)
	s.mu.Unlock()
	dir := os.Getenv("E2E_LOG_DIR")
	seen := map[string]int{}
	for _, l := range logs {
		l.keep(ctx)
		if dir == "" {
			continue
		}
		seen[l.alias]++
		name := fmt.Sprintf("stack%d-%s-%d.log", s.id, l.alias, seen[l.alias])
		if err := os.MkdirAll(dir, 0o755); err == nil {
			_ = os.WriteFile(filepath.Join(dir, name), []byte(l.read(ctx)), 0o644)
		}
	}
}

// dumpLogs prints the last n lines of every container's log.
func (s *stack) dumpLogs(t testing.TB, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.mu.Lock()
	logs := append([]*containerLog(nil), s.logs...)
	s.mu.Unlock()
	for _, l := range logs {
		t.Logf("---- stack %d: %s (last %d lines) ----\n%s", s.id, l.alias, n, tail(l.read(ctx), n))
	}
}

// logOf returns the current log of alias's container.
func (s *stack) logOf(alias string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if l := s.logFor(s.container(alias)); l != nil {
		return l.read(ctx)
	}
	return ""
}

// logFor returns the log of ctr.
func (s *stack) logFor(ctr *testcontainers.DockerContainer) *containerLog {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.logs {
		if l.ctr == ctr {
			return l
		}
	}
	return nil
}

// tail returns the last n lines of text.
func tail(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
