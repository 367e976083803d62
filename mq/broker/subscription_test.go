package broker

import (
	"testing"

	"github.com/sagashop/sagashop/mq/message"
)

func TestCompileFilter(t *testing.T) {
	a, b, c := message.TagsCode("TagA"), message.TagsCode("TagB"), message.TagsCode("TagC")
	tests := []struct {
		name, typ, expr string
		match, miss     []int64
		all, bad        bool
	}{
		{name: "star", typ: "TAG", expr: "*", all: true},
		{name: "empty", typ: "", expr: "", all: true},
		{name: "two tags", typ: "TAG", expr: "TagA || TagB", match: []int64{a, b}, miss: []int64{c, 0}},
		{name: "no type means tag", typ: "", expr: "TagC", match: []int64{c}, miss: []int64{a}},
		{name: "sql92 refused", typ: "SQL92", expr: "a > 1", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := compileFilter(tt.typ, tt.expr, false)
			if tt.bad {
				if err == nil {
					t.Fatal("want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.all != (f == nil) {
				t.Fatalf("match-all = %v, want %v", f == nil, tt.all)
			}
			for _, code := range tt.match {
				if !f.match(code) {
					t.Errorf("%d should match", code)
				}
			}
			for _, code := range tt.miss {
				if f.match(code) {
					t.Errorf("%d should not match", code)
				}
			}
		})
	}
}

func TestSubscriptionFilterFromHeartbeat(t *testing.T) {
	s := subscriptionData{Topic: "T", SubString: "TagA || TagC", TagsSet: []string{"TagA", "TagC"}, ExpressionType: "TAG"}
	f, err := s.filter()
	if err != nil || !f.match(message.TagsCode("TagC")) || f.match(message.TagsCode("TagB")) {
		t.Fatalf("filter = %+v, %v", f, err)
	}
}
