package kit

import (
	"testing"
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
