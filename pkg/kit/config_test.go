package kit

import (
	"testing"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
)

func TestLoadConfig(t *testing.T) {
	doc := []byte("order_sn: ${SAGASHOP_KIT_TEST_SN:fallback}\ntotal_amount: 42\nunknown_key: x\n")
	tests := []struct {
		name   string
		env    string
		useEnv bool
		want   string
	}{
		{name: "default without env", env: "fromenv", useEnv: false, want: "fallback"},
		{name: "env overrides", env: "fromenv", useEnv: true, want: "fromenv"},
		{name: "unset env keeps the default", useEnv: true, want: "fallback"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("SAGASHOP_KIT_TEST_SN", tc.env)
			}
			m := testMessage().New()
			if err := LoadConfig(doc, tc.useEnv, m.Interface()); err != nil {
				t.Fatal(err)
			}
			fields := m.Descriptor().Fields()
			if got := m.Get(fields.ByName("order_sn")).String(); got != tc.want {
				t.Fatalf("order_sn = %q, want %q", got, tc.want)
			}
			if got := m.Get(fields.ByName("total_amount")).Int(); got != 42 {
				t.Fatalf("total_amount = %d", got)
			}
		})
	}
	if err := LoadConfig(nil, false, testMessage().New().Interface()); err == nil {
		t.Fatal("empty document accepted")
	}
}

func TestLoadConfigDurations(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		want    string // the timeout of the top-level and the child message
		wantErr bool
	}{
		{name: "go syntax", doc: "timeout: 1m30s\nchild:\n  timeout: ${SAGASHOP_KIT_TEST_D:250ms}\n", want: "1m30s 250ms"},
		{name: "protojson seconds", doc: "timeout: 1800s\nchild:\n  timeout: 0.5s\n", want: "30m0s 500ms"},
		{name: "not a duration", doc: "timeout: soon\n", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := testMessage().New()
			err := LoadConfig([]byte(tc.doc), true, m.Interface())
			if tc.wantErr {
				if err == nil {
					t.Fatal("accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			fd := m.Descriptor().Fields().ByName("timeout")
			top := durationOf(m.Get(fd).Message())
			child := m.Get(m.Descriptor().Fields().ByName("child")).Message()
			sub := durationOf(child.Get(fd).Message())
			if got := top.String() + " " + sub.String(); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// durationOf reads a (dynamic) google.protobuf.Duration.
func durationOf(m protoreflect.Message) time.Duration {
	f := m.Descriptor().Fields()
	return time.Duration(m.Get(f.ByName("seconds")).Int())*time.Second + time.Duration(m.Get(f.ByName("nanos")).Int())
}
