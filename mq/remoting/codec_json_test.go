package remoting

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeJSONHeader(t *testing.T) {
	deep := func(n int) string { // n nested arrays inside the header object
		return `{"x":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `,"code":1}`
	}
	tests := []struct {
		name string
		in   string
		want *Command // nil: an error
	}{
		{"send message", sendMessageHeader, sendMessageCommand()},
		{"remark null", `{"code":1,"remark":null}`, &Command{Code: 1}},
		{"white space everywhere", " {\t\"code\" :\n1 , \"language\" : 0 ,\"version\": -2, \"opaque\" :3,\"flag\":\r4, \"remark\" : null ," +
			" \"x\" : [ 1 , { \"y\" : null } ] , \"extFields\" : { \"a\" : \"b\" , \"c\" : null } }\n",
			&Command{Code: 1, Language: "JAVA", Version: -2, Opaque: 3, Flag: 4, ExtFields: map[string]string{"a": "b", "c": ""}}},
		{"null header", `null`, &Command{}},
		{"empty object", " {\n\t} \r\n", &Command{}},
		{"unknown keys of every kind", `{"a":{"b":[1,-2.5e-3,true,false,null,"\u0041\n"]},"c":[],"d":{},"code":3}`, &Command{Code: 3}},
		{"keys fold case", `{"CODE":1,"Language":"GO","VERSION":2,"Opaque":3,"FLAG":4,"Remark":"r","EXTFIELDS":{"a":"b"}}`,
			&Command{Code: 1, Language: "GO", Version: 2, Opaque: 3, Flag: 4, Remark: "r", ExtFields: map[string]string{"a": "b"}}},
		{"keys fold unicode", `{"remar\u212a":"kelvin","ver\u017fion":5}`, &Command{Remark: "kelvin", Version: 5}},
		{"escaped key", `{"c\u006fde":9}`, &Command{Code: 9}},
		{"last duplicate wins", `{"code":1,"code":2,"remark":"a","remark":"b"}`, &Command{Code: 2, Remark: "b"}},
		{"null keeps a number", `{"code":5,"code":null}`, &Command{Code: 5}},
		{"null clears remark", `{"remark":"a","remark":null}`, &Command{}},
		{"extFields merge", `{"extFields":{"a":"1","b":"1"},"extFields":{"b":"2"}}`, &Command{ExtFields: map[string]string{"a": "1", "b": "2"}}},
		{"extFields null resets", `{"extFields":{"a":"1"},"extFields":null,"extFields":{"b":"2"}}`, &Command{ExtFields: map[string]string{"b": "2"}}},
		{"ext null value", `{"extFields":{"a":null}}`, &Command{ExtFields: map[string]string{"a": ""}}},
		{"language ordinal", `{"language":9}`, &Command{Language: "GO"}},
		{"language ordinal -0", `{"language":-0}`, &Command{Language: "JAVA"}},
		{"language unknown ordinal", `{"language":200}`, &Command{Language: "OTHER"}},
		{"language ordinal too big", `{"language":256}`, &Command{}},
		{"language fraction", `{"language":9.0}`, &Command{}},
		{"language object", `{"language":{"a":[1]}}`, &Command{}},
		{"language null", `{"language":"GO","language":null}`, &Command{}},
		{"int limits", `{"code":-32768,"version":32767,"opaque":-2147483648,"flag":2147483647}`,
			&Command{Code: -32768, Version: 32767, Opaque: -2147483648, Flag: 2147483647}},
		{"escapes", `{"remark":"\"\\\/\b\f\n\r\t\u0000\u0001\u00e9\u4e2d"}`, &Command{Remark: "\"\\/\b\f\n\r\t\x00\x01é中"}},
		{"surrogate pair", `{"remark":"\ud83d\ude00"}`, &Command{Remark: "😀"}},
		{"lone high surrogate", `{"remark":"\ud83d!"}`, &Command{Remark: "\ufffd!"}},
		{"lone low surrogate", `{"remark":"\ude00"}`, &Command{Remark: "\ufffd"}},
		{"high then non-low escape", `{"remark":"\ud83d\u0041"}`, &Command{Remark: "\ufffdA"}},
		{"two highs", `{"remark":"\ud83d\ud83d\ude00"}`, &Command{Remark: "\ufffd😀"}},
		{"invalid utf8 replaced", "{\"remark\":\"a\xffb\xed\xa0\x80c\"}", &Command{Remark: "a\ufffdb\ufffd\ufffd\ufffdc"}},
		{"raw unicode kept", `{"remark":"é 😀 ` + "\u2028\x7f" + `"}`, &Command{Remark: "é 😀 \u2028\x7f"}},
		{"nesting at the limit", deep(maxNestingDepth - 1), &Command{Code: 1}},

		{"empty", ``, nil},
		{"only space", ` `, nil},
		{"array", `[]`, nil},
		{"string", `"x"`, nil},
		{"trailing data", `{} {}`, nil},
		{"trailing comma", `{"code":1,}`, nil},
		{"missing colon", `{"code" 1}`, nil},
		{"unterminated", `{"code":1`, nil},
		{"bare key", `{code:1}`, nil},
		{"single quotes", `{'code':1}`, nil},
		{"code as string", `{"code":"10"}`, nil},
		{"code fraction", `{"code":1.0}`, nil},
		{"code exponent", `{"code":1e1}`, nil},
		{"code leading zero", `{"code":01}`, nil},
		{"code overflow", `{"code":32768}`, nil},
		{"code underflow", `{"code":-32769}`, nil},
		{"opaque overflow", `{"opaque":2147483648}`, nil},
		{"code plus", `{"code":+1}`, nil},
		{"code bool", `{"code":true}`, nil},
		{"remark number", `{"remark":5}`, nil},
		{"ext number value", `{"extFields":{"queueId":1}}`, nil},
		{"ext array", `{"extFields":[]}`, nil},
		{"control char in string", "{\"remark\":\"a\x01b\"}", nil},
		{"bad escape", `{"remark":"\x41"}`, nil},
		{"short unicode escape", `{"remark":"\u12"}`, nil},
		{"bad hex", `{"remark":"\u12g4"}`, nil},
		{"bad number in unknown", `{"x":-}`, nil},
		{"bad fraction in unknown", `{"x":1.}`, nil},
		{"bad literal", `{"x":tru}`, nil},
		{"mismatched brackets", `{"x":[}]}`, nil},
		{"unterminated nested", `{"x":{"a":[1,2}`, nil},
		{"nesting past the limit", deep(maxNestingDepth), nil},
		{"utf8 bom", "\xef\xbb\xbf{}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeJSONHeader([]byte(tt.in))
			std, stdErr := decodeJSONHeaderStd([]byte(tt.in))
			if (err == nil) != (stdErr == nil) {
				t.Fatalf("err %v; encoding/json says %v", err, stdErr)
			}
			if tt.want == nil {
				if !errors.Is(err, ErrBadHeader) {
					t.Fatalf("err %v, want ErrBadHeader", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := *tt.want
			want.Serialize = JSON
			if d := diffCommand(got, &want); d != "" {
				t.Fatal(d)
			}
			if d := diffCommand(got, std); d != "" {
				t.Fatalf("differs from encoding/json: %s", d)
			}
		})
	}
}
