package message

import (
	"net/netip"
	"testing"
)

func TestProperty(t *testing.T) {
	tests := []struct {
		name, props, key, want string
		ok                     bool
	}{
		{"go trailing sep", "TAGS\x01a\x02KEYS\x01k\x02", "KEYS", "k", true},
		{"java no trailing", "TAGS\x01a\x02KEYS\x01k", "KEYS", "k", true},
		{"missing", "TAGS\x01a", "KEYS", "", false},
		{"empty segments", "\x02\x02TAGS\x01a\x02\x02", "TAGS", "a", true},
		{"malformed segment skipped", "TAGS\x01a\x01b\x02TAGS\x01c", "TAGS", "c", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Property(tt.props, tt.key)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("Property = %q,%v want %q,%v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestWithAndWithoutProperty(t *testing.T) {
	p := WithProperty("TAGS\x01a\x02", "CLUSTER", "DefaultCluster")
	if v, _ := Property(p, "CLUSTER"); v != "DefaultCluster" {
		t.Fatalf("with: %q", p)
	}
	p = WithProperty(p, "TAGS", "b")
	if v, _ := Property(p, "TAGS"); v != "b" {
		t.Fatalf("replace: %q", p)
	}
	p = WithoutProperty(p, "TAGS")
	if _, ok := Property(p, "TAGS"); ok || p != "CLUSTER\x01DefaultCluster" {
		t.Fatalf("without: %q", p)
	}
	if got := JoinProperties("a\x01b", "c\x01d"); got != "a\x01b\x02c\x01d" {
		t.Fatalf("join: %q", got)
	}
	m := map[string]string{"b": "2", "a": "1"}
	if got := MarshalProperties(m); got != "a\x011\x02b\x012" || len(ParseProperties(got)) != 2 {
		t.Fatalf("marshal: %q", got)
	}
}

func TestTagsCode(t *testing.T) {
	// Java: "TagA".hashCode() == 2598919, "中".hashCode() == 20013.
	for tag, want := range map[string]int64{"": 0, "TagA": 2598919, "TagC": 2598921, "中": 20013} {
		if got := TagsCode(tag); got != want {
			t.Errorf("TagsCode(%q) = %d, want %d", tag, got, want)
		}
	}
}

func TestOffsetMsgID(t *testing.T) {
	host := netip.MustParseAddrPort("127.0.0.1:20911")
	id := OffsetMsgID(host, 4096)
	if id != "7F000001000051AF0000000000001000" {
		t.Fatalf("id = %s", id)
	}
	h, off, err := ParseOffsetMsgID(id)
	if err != nil || h != host || off != 4096 {
		t.Fatalf("parse: %v %d %v", h, off, err)
	}
	if _, _, err := ParseOffsetMsgID("xyz"); err == nil {
		t.Fatal("want error for short id")
	}
	if _, _, err := ParseOffsetMsgID("C00002025FD22123CA716a6ff490e487"); err == nil {
		t.Fatal("a UNIQ_KEY parsed as an offset message id")
	}
	if _, _, err := ParseOffsetMsgID("ZZ000001000051AF0000000000001000"); err == nil {
		t.Fatal("want error for non-hex id")
	}
}
