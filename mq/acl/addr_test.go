package acl

import (
	"errors"
	"testing"
)

func TestAddrPattern(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		miss    []string
	}{
		{"*", []string{"1.2.3.4:5", "[::1]:5"}, []string{"garbage"}},
		{"*.*.*.*", []string{"10.0.0.1:1"}, nil},
		{"192.168.0.1", []string{"192.168.0.1:10911", "192.168.0.1", "[::ffff:192.168.0.1]:1"}, []string{"192.168.0.2:1", "192.168.0.10:1"}},
		{"192.168.0.*", []string{"192.168.0.0:1", "192.168.0.255:1"}, []string{"192.168.1.1:1", "192.168.00.1:1"}},
		{"192.168.*", []string{"192.168.7.9:1"}, []string{"192.169.0.1:1"}},
		{"192.168.1.1-100", []string{"192.168.1.1:1", "192.168.1.100:1", "192.168.1.50:1"}, []string{"192.168.1.0:1", "192.168.1.101:1", "192.168.2.50:1"}},
		{"192.168.1-2.*", []string{"192.168.2.9:1"}, []string{"192.168.3.9:1"}},
		{"10.0.0.{1,5}", []string{"10.0.0.1:1", "10.0.0.5:1"}, []string{"10.0.0.2:1"}},
		{"10.0.0.0/8", []string{"10.255.1.2:3", "[::ffff:10.1.1.1]:3"}, []string{"11.0.0.1:3"}},
		{"::ffff:10.0.0.0/104", []string{"10.1.2.3:4"}, []string{"11.1.2.3:4"}},
		{"fd00::/8", []string{"[fd12::1]:5"}, []string{"[fe80::1]:5", "10.0.0.1:5"}},
		{"::1", []string{"[::1]:5", "[::1%lo]:5"}, []string{"127.0.0.1:5"}},
		{"1.1.1.1,2.2.2.0/24", []string{"1.1.1.1:1", "2.2.2.9:1"}, []string{"1.1.1.2:1"}},
		{" 127.0.0.1 ", []string{"127.0.0.1:1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			m, err := parseAddrPattern(tt.pattern)
			if err != nil || m == nil {
				t.Fatalf("parse: %v, %v", m, err)
			}
			for _, a := range tt.match {
				if h, ok := hostOf(a); !ok || !m.match(h) {
					t.Errorf("%s does not match", a)
				}
			}
			for _, a := range tt.miss {
				if h, ok := hostOf(a); ok && m.match(h) {
					t.Errorf("%s matches", a)
				}
			}
		})
	}
}

func TestAddrPatternInvalid(t *testing.T) {
	for _, p := range []string{
		"192.168.1", "192.168.1.256", "192.168.1.100-1", "192.168.1.-1", "192.168.1.+1",
		"1.2.3.4.5", "10.0.0.0/33", "::ffff:10.0.0.0/64", "host.example", "1.1.1.1,,2.2.2.2",
		"10.0.0.{1,x}", "fe80::*",
	} {
		t.Run(p, func(t *testing.T) {
			if m, err := parseAddrPattern(p); !errors.Is(err, ErrConfig) {
				t.Fatalf("parse = %v, %v; want ErrConfig", m, err)
			}
		})
	}
	if m, err := parseAddrPattern("  "); m != nil || err != nil {
		t.Fatalf("blank = %v, %v; want nil, nil", m, err)
	}
}
