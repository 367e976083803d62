package kit

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	kerrors "github.com/go-kratos/kratos/v2/errors"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/durationpb"
)

func TestMarshalJSON(t *testing.T) {
	mt := testMessage()
	fields := mt.Descriptor().Fields()
	set := func(m protoreflect.Message, name string, v protoreflect.Value) {
		m.Set(fields.ByName(protoreflect.Name(name)), v)
	}
	tests := []struct {
		name  string
		build func() protoreflect.Message
		want  string
	}{
		{
			name:  "zero values are all present",
			build: func() protoreflect.Message { return mt.New() },
			want:  `{"order_sn":"","total_amount":0,"quantity":0,"status":"UNKNOWN","child":null,"tags":[],"counts":{},"ok":false,"raw":"","timeout":null}`,
		},
		{
			name: "int64 is a number, enums by name, nested, lists, sorted maps, a set oneof",
			build: func() protoreflect.Message {
				m := mt.New()
				set(m, "order_sn", protoreflect.ValueOfString(`O"1`))
				set(m, "total_amount", protoreflect.ValueOfInt64(9007199254740993))
				set(m, "quantity", protoreflect.ValueOfInt32(-2))
				set(m, "status", protoreflect.ValueOfEnum(1))
				child := mt.New()
				set(child, "order_sn", protoreflect.ValueOfString("c"))
				set(m, "child", protoreflect.ValueOfMessage(child))
				tags := m.Mutable(fields.ByName("tags")).List()
				tags.Append(protoreflect.ValueOfString("x"))
				tags.Append(protoreflect.ValueOfString("y"))
				counts := m.Mutable(fields.ByName("counts")).Map()
				counts.Set(protoreflect.ValueOfString("b").MapKey(), protoreflect.ValueOfInt64(2))
				counts.Set(protoreflect.ValueOfString("a").MapKey(), protoreflect.ValueOfInt64(1))
				set(m, "b", protoreflect.ValueOfInt64(7))
				set(m, "ok", protoreflect.ValueOfBool(true))
				set(m, "raw", protoreflect.ValueOfBytes([]byte{1, 2}))
				set(m, "timeout", protoreflect.ValueOfMessage(durationpb.New(1500e6).ProtoReflect()))
				return m
			},
			want: `{"order_sn":"O\"1","total_amount":9007199254740993,"quantity":-2,"status":"PAID",` +
				`"child":{"order_sn":"c","total_amount":0,"quantity":0,"status":"UNKNOWN","child":null,"tags":[],"counts":{},"ok":false,"raw":"","timeout":null},` +
				`"tags":["x","y"],"counts":{"a":1,"b":2},"b":7,"ok":true,"raw":"AQI=","timeout":"1.500s"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MarshalJSON(tc.build().Interface())
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestRequestDecoder(t *testing.T) {
	mt := testMessage()
	tests := []struct {
		name       string
		body       string
		wantCode   int
		wantReason string
		wantSN     string
	}{
		{name: "proto names", body: `{"order_sn":"A","total_amount":5}`, wantSN: "A"},
		{name: "numbers as strings are accepted", body: `{"total_amount":"5"}`},
		{name: "empty body", body: ``},
		{name: "malformed", body: `{"order_sn":`, wantCode: 400, wantReason: ReasonMalformedJSON},
		{name: "unknown field", body: `{"nope":1}`, wantCode: 400, wantReason: ReasonMalformedJSON},
		{name: "wrong type", body: `{"quantity":"many"}`, wantCode: 400, wantReason: ReasonMalformedJSON},
		{name: "too large", body: `{"order_sn":"` + strings.Repeat("x", MaxBodyBytes) + `"}`, wantCode: 413, wantReason: ReasonBodyTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mt.New()
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
			err := RequestDecoder(r, m.Interface())
			if tc.wantCode == 0 {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if got := m.Get(mt.Descriptor().Fields().ByName("order_sn")).String(); got != tc.wantSN {
					t.Fatalf("order_sn = %q, want %q", got, tc.wantSN)
				}
				return
			}
			se := kerrors.FromError(err)
			if int(se.Code) != tc.wantCode || se.Reason != tc.wantReason {
				t.Fatalf("got %d %s (%v), want %d %s", se.Code, se.Reason, err, tc.wantCode, tc.wantReason)
			}
		})
	}
}

func TestErrorEncoder(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
		code int
	}{
		{"kratos error", kerrors.BadRequest("UNKNOWN_SKU", "sku X"), `{"code":400,"reason":"UNKNOWN_SKU","message":"sku X","metadata":{}}`, 400},
		{"plain error", bytes.ErrTooLarge, `{"code":500,"reason":"","message":"bytes.Buffer: too large","metadata":{}}`, 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			ErrorEncoder(w, httptest.NewRequest(http.MethodGet, "/", nil), tc.err)
			if w.Code != tc.code || w.Body.String() != tc.want {
				t.Fatalf("got %d %s, want %d %s", w.Code, w.Body, tc.code, tc.want)
			}
		})
	}
}
