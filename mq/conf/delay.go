package conf

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// delayUnits are the units of a delay table entry. Java accepts s, m, h and
// d; "ms" is our extension so tests and demos can use sub-second levels.
var delayUnits = map[string]time.Duration{
	"ms": time.Millisecond,
	"s":  time.Second,
	"m":  time.Minute,
	"h":  time.Hour,
	"d":  24 * time.Hour,
}

// ParseDelayLevels parses a RocketMQ delay table such as DefaultMessageDelayLevel:
// whitespace-separated entries, each a positive decimal integer followed by a
// unit, s, m, h or d as in Java, or ms (an extension of ours; Java rejects it).
// Element i of the result is delay level i+1. Any number of levels (at least
// one) is accepted. An empty table or an entry that is zero, negative, has no
// or an unknown unit, or overflows a time.Duration gives an error wrapping
// ErrInvalidValue.
func ParseDelayLevels(s string) ([]time.Duration, error) {
	levels, err := parseDelayLevels(s)
	if err != nil {
		return nil, fmt.Errorf("%w: delay levels %q: %w", ErrInvalidValue, s, err)
	}
	return levels, nil
}

// DelayLevels parses b.MessageDelayLevel with ParseDelayLevels.
func (b Broker) DelayLevels() ([]time.Duration, error) {
	levels, err := parseDelayLevels(b.MessageDelayLevel)
	if err != nil {
		return nil, fmt.Errorf("%w: messageDelayLevel=%q: %w", ErrInvalidValue, b.MessageDelayLevel, err)
	}
	return levels, nil
}

// parseDelayLevels does ParseDelayLevels' work, returning a bare reason.
func parseDelayLevels(s string) ([]time.Duration, error) {
	entries := strings.Fields(s)
	if len(entries) == 0 {
		return nil, errors.New("no levels")
	}
	levels := make([]time.Duration, 0, len(entries))
	for i, e := range entries {
		d, err := parseDelay(e)
		if err != nil {
			return nil, fmt.Errorf("level %d %q: %w", i+1, e, err)
		}
		levels = append(levels, d)
	}
	return levels, nil
}

// parseDelay parses one entry such as "30m".
func parseDelay(e string) (time.Duration, error) {
	digits := strings.TrimRight(e, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
	unitName := e[len(digits):]
	unit, ok := delayUnits[unitName]
	if !ok {
		if unitName == "" {
			return 0, errors.New("missing unit (want ms, s, m, h or d)")
		}
		return 0, fmt.Errorf("unknown unit %q (want ms, s, m, h or d)", unitName)
	}
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, errors.New("want a positive whole number before the unit")
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > math.MaxInt64/int64(unit) {
		return 0, errors.New("too long")
	}
	if n == 0 {
		return 0, errors.New("must be positive")
	}
	return time.Duration(n) * unit, nil
}
