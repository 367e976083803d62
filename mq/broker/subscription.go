package broker

import (
	"fmt"
	"strings"

	"github.com/sagashop/sagashop/mq/message"
)

// subscriptionData is one topic subscription of a consumer group as the
// heartbeat carries it. codeSet is ignored: Go's client hashes tags
// differently from Java, so the broker hashes tagsSet itself.
type subscriptionData struct {
	ClassFilterMode bool     `json:"classFilterMode"`
	Topic           string   `json:"topic"`
	SubString       string   `json:"subString"`
	TagsSet         []string `json:"tagsSet"`
	SubVersion      int64    `json:"subVersion"`
	ExpressionType  string   `json:"expressionType"`
}

// tagFilter matches ConsumeQueue tag codes against a subscription. A nil
// *tagFilter matches everything.
type tagFilter struct {
	codes map[int64]struct{}
}

func (f *tagFilter) match(code int64) bool {
	if f == nil {
		return true
	}
	_, ok := f.codes[code]
	return ok
}

// fn returns the filter as the store takes it (nil for everything).
func (f *tagFilter) fn() func(int64) bool {
	if f == nil {
		return nil
	}
	return f.match
}

// isTagType applies Java's ExpressionType.isTagType: "", null and TAG.
func isTagType(t string) bool { return t == "" || strings.EqualFold(t, "TAG") }

// compileFilter builds the filter of a subscription expression such as
// "TagA || TagB", "*" or "".
func compileFilter(expressionType, expr string, classFilter bool) (*tagFilter, error) {
	if !isTagType(expressionType) {
		return nil, fmt.Errorf("the broker does not support consumers filtering by %s", expressionType)
	}
	expr = strings.TrimSpace(expr)
	if classFilter || expr == "" || expr == "*" {
		return nil, nil
	}
	f := &tagFilter{codes: map[int64]struct{}{}}
	for _, tag := range strings.Split(expr, "||") {
		if tag = strings.TrimSpace(tag); tag != "" {
			f.codes[message.TagsCode(tag)] = struct{}{}
		}
	}
	if len(f.codes) == 0 {
		return nil, nil
	}
	return f, nil
}

// filter compiles the heartbeat subscription.
func (s subscriptionData) filter() (*tagFilter, error) {
	if !isTagType(s.ExpressionType) {
		return compileFilter(s.ExpressionType, s.SubString, s.ClassFilterMode)
	}
	if s.ClassFilterMode {
		return nil, nil
	}
	if len(s.TagsSet) == 0 {
		return compileFilter(s.ExpressionType, s.SubString, false)
	}
	return compileFilter(s.ExpressionType, strings.Join(s.TagsSet, "||"), false)
}
