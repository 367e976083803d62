package messaging

import (
	"sort"
	"sync/atomic"

	"github.com/apache/rocketmq-client-go/v2/rlog"
	"github.com/go-kratos/kratos/v2/log"
)

// SetClientLogger sends the RocketMQ client library's logs to l, at the
// library's levels, from level up ("debug", "info", "warn" or "error").
// Like SetClientLogLevel it is process-wide, and meant for mains.
//
// The library logs every transaction rollback as an error
// ("executeLocalTransaction but state unexpected"), though a rollback is
// an expected outcome of a local transaction that failed; those lines
// are logged at debug.
func SetClientLogger(l log.Logger, level string) {
	a := &clientLogger{l: l}
	a.Level(level)
	rlog.SetLogger(a)
}

// clientLogger adapts a kratos logger to rlog.Logger.
type clientLogger struct {
	l   log.Logger
	min atomic.Int32 // log.Level
}

const rollbackLogged = "executeLocalTransaction but state unexpected"

func (a *clientLogger) Debug(msg string, f map[string]any)   { a.log(log.LevelDebug, msg, f) }
func (a *clientLogger) Info(msg string, f map[string]any)    { a.log(log.LevelInfo, msg, f) }
func (a *clientLogger) Warning(msg string, f map[string]any) { a.log(log.LevelWarn, msg, f) }
func (a *clientLogger) Fatal(msg string, f map[string]any)   { a.log(log.LevelFatal, msg, f) }

func (a *clientLogger) Error(msg string, f map[string]any) {
	if msg == rollbackLogged {
		a.log(log.LevelDebug, msg, f)
		return
	}
	a.log(log.LevelError, msg, f)
}

// Level sets the lowest level logged; an unknown name means info.
func (a *clientLogger) Level(level string) {
	a.min.Store(int32(log.ParseLevel(level)))
}

// OutputPath is ignored: the kratos logger decides where lines go.
func (a *clientLogger) OutputPath(string) error { return nil }

func (a *clientLogger) log(level log.Level, msg string, f map[string]any) {
	if int32(level) < a.min.Load() {
		return
	}
	kv := make([]any, 0, 4+2*len(f))
	kv = append(kv, "module", "rocketmq-client", "msg", msg)
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kv = append(kv, k, f[k])
	}
	_ = a.l.Log(level, kv...)
}
