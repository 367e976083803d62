package messaging

import (
	"github.com/apache/rocketmq-client-go/v2/rlog"
	"github.com/go-kratos/kratos/v2/log"
)

// SetClientLogLevel sets the RocketMQ client library's log level: "debug",
// "info", "warn", "error" or "fatal" ("" changes nothing). The library logs
// every rebalance and reconnect at info, so mains set "warn". The level is
// process-wide: it belongs to the library, not to one producer or consumer.
func SetClientLogLevel(level string) {
	rlog.SetLogLevel(level)
}

// nopLogger is the default Logger: it discards everything.
type nopLogger struct{}

func (nopLogger) Log(log.Level, ...any) error { return nil }

// helper returns a log helper over l (nopLogger when nil) tagged with
// module.
func helper(l log.Logger, module string) *log.Helper {
	if l == nil {
		l = nopLogger{}
	}
	return log.NewHelper(log.With(l, "module", module))
}
