package messaging

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/go-kratos/kratos/v2/log"
)

// recordLogger keeps every line it is given.
type recordLogger struct{ lines []string }

func (r *recordLogger) Log(level log.Level, kv ...any) error {
	r.lines = append(r.lines, fmt.Sprint(level.String(), " ", kv))
	return nil
}

func TestClientLogger(t *testing.T) {
	tests := []struct {
		name  string
		level string
		call  func(a *clientLogger)
		want  []string
	}{
		{"below the level is dropped", "warn", func(a *clientLogger) { a.Info("rebalance", nil) }, nil},
		{"fields sorted", "info", func(a *clientLogger) { a.Warning("w", map[string]any{"b": 2, "a": 1}) },
			[]string{"WARN [module rocketmq-client msg w a 1 b 2]"}},
		{"rollback is debug", "warn", func(a *clientLogger) { a.Error(rollbackLogged, nil) }, nil},
		{"other errors stay errors", "warn", func(a *clientLogger) { a.Error("boom", nil) },
			[]string{"ERROR [module rocketmq-client msg boom]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &recordLogger{}
			a := &clientLogger{l: r}
			a.Level(tc.level)
			tc.call(a)
			if !reflect.DeepEqual(r.lines, tc.want) {
				t.Fatalf("got %q, want %q", r.lines, tc.want)
			}
		})
	}
}
