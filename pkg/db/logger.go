package db

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"gorm.io/gorm"
	glogger "gorm.io/gorm/logger"
)

// gormLogger adapts a kratos log.Logger to gorm's logger.Interface.
//
// Trace logs failed statements at error, except ErrRecordNotFound (not logged)
// and duplicate keys (debug: Claim and idempotent inserts expect them), slow
// statements at warn, and everything else at debug when the level is Info.
type gormLogger struct {
	logger log.Logger
	slow   time.Duration
	level  glogger.LogLevel
}

func newGormLogger(l log.Logger, slow time.Duration) *gormLogger {
	return &gormLogger{logger: log.With(l, "module", "db"), slow: slow, level: glogger.Warn}
}

// LogMode returns a copy logging at level.
func (g *gormLogger) LogMode(level glogger.LogLevel) glogger.Interface {
	c := *g
	c.level = level
	return &c
}

// Info logs at info when the level allows.
func (g *gormLogger) Info(ctx context.Context, msg string, args ...any) {
	if g.level >= glogger.Info {
		g.log(ctx, log.LevelInfo, "msg", fmt.Sprintf(msg, args...))
	}
}

// Warn logs at warn when the level allows.
func (g *gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	if g.level >= glogger.Warn {
		g.log(ctx, log.LevelWarn, "msg", fmt.Sprintf(msg, args...))
	}
}

// Error logs at error when the level allows.
func (g *gormLogger) Error(ctx context.Context, msg string, args ...any) {
	if g.level >= glogger.Error {
		g.log(ctx, log.LevelError, "msg", fmt.Sprintf(msg, args...))
	}
}

// Trace logs one executed statement.
func (g *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if g.level <= glogger.Silent {
		return
	}
	elapsed := time.Since(begin)
	switch {
	case err != nil && errors.Is(err, gorm.ErrRecordNotFound):
		return
	case err != nil && IsDuplicateKey(err):
		if g.level >= glogger.Info {
			sql, rows := fc()
			g.log(ctx, log.LevelDebug, "msg", "duplicate key", "sql", sql, "rows", rows, "elapsed", elapsed, "err", err)
		}
	case err != nil && g.level >= glogger.Error:
		sql, rows := fc()
		g.log(ctx, log.LevelError, "msg", "query failed", "sql", sql, "rows", rows, "elapsed", elapsed, "err", err)
	case g.slow > 0 && elapsed > g.slow && g.level >= glogger.Warn:
		sql, rows := fc()
		g.log(ctx, log.LevelWarn, "msg", "slow query", "sql", sql, "rows", rows, "elapsed", elapsed, "threshold", g.slow)
	case g.level >= glogger.Info:
		sql, rows := fc()
		g.log(ctx, log.LevelDebug, "msg", "query", "sql", sql, "rows", rows, "elapsed", elapsed)
	}
}

func (g *gormLogger) log(ctx context.Context, level log.Level, kv ...any) {
	_ = log.WithContext(ctx, g.logger).Log(level, kv...)
}

// nopLogger discards everything; the default when Options.Logger is nil.
type nopLogger struct{}

// Log discards keyvals.
func (nopLogger) Log(log.Level, ...any) error { return nil }
