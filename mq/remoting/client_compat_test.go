package remoting

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"maps"
	"strings"
	"testing"

	jsoniter "github.com/json-iterator/go"
)

// The types and functions below copy rocketmq-client-go v2.1.2
// internal/remote/codec.go, the ground truth for what the Go client writes
// and reads.

type clientLanguageCode byte

func (lc clientLanguageCode) MarshalJSON() ([]byte, error) { return []byte(`"GO"`), nil }

func (lc *clientLanguageCode) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "JAVA":
		*lc = 0
	case "GO", `"GO"`:
		*lc = 9
	default:
		*lc = 127
	}
	return nil
}

type clientCommand struct {
	Code      int16              `json:"code"`
	Language  clientLanguageCode `json:"language"`
	Version   int16              `json:"version"`
	Opaque    int32              `json:"opaque"`
	Flag      int32              `json:"flag"`
	Remark    string             `json:"remark"`
	ExtFields map[string]string  `json:"extFields"`
	Body      []byte             `json:"-"`
}

// clientEncode is the client's encode: jsoniter header, type byte 0.
func clientEncode(t testing.TB, c *clientCommand) []byte {
	header, err := jsoniter.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	binary.Write(&buf, binary.BigEndian, int32(4+len(header)+len(c.Body)))
	binary.Write(&buf, binary.BigEndian, []byte{0, byte(len(header) >> 16), byte(len(header) >> 8), byte(len(header))})
	buf.Write(header)
	buf.Write(c.Body)
	return buf.Bytes()
}

// clientDecode is the client's decode of a frame without its length.
func clientDecode(data []byte) (*clientCommand, error) {
	v := binary.BigEndian.Uint32(data)
	headerLength := int(v & 0xFFFFFF)
	if 4+headerLength > len(data) {
		return nil, io.ErrUnexpectedEOF
	}
	header := data[4 : 4+headerLength]
	var c *clientCommand
	switch st := byte(v >> 24); st {
	case 0:
		c = &clientCommand{ExtFields: map[string]string{}, Body: []byte{}}
		if err := jsoniter.Unmarshal(header, c); err != nil {
			return nil, err
		}
	case 1:
		var err error
		if c, err = clientDecodeRocketMQ(header); err != nil {
			return nil, err
		}
	default:
		return nil, errors.New("unknown codec type")
	}
	if body := data[4+headerLength:]; len(body) > 0 {
		c.Body = body
	}
	return c, nil
}

// clientDecodeRocketMQ is the client's rmqCodec.decodeHeader.
func clientDecodeRocketMQ(data []byte) (*clientCommand, error) {
	c := &clientCommand{}
	buf := bytes.NewBuffer(data)
	var lang byte
	var remarkLen, extLen int32
	for _, v := range []any{&c.Code, &lang, &c.Version, &c.Opaque, &c.Flag, &remarkLen} {
		if err := binary.Read(buf, binary.BigEndian, v); err != nil {
			return nil, err
		}
	}
	c.Language = clientLanguageCode(lang)
	if remarkLen > 0 {
		remark := make([]byte, remarkLen)
		if _, err := io.ReadFull(buf, remark); err != nil {
			return nil, err
		}
		c.Remark = string(remark)
	}
	if err := binary.Read(buf, binary.BigEndian, &extLen); err != nil {
		return nil, err
	}
	if extLen > 0 {
		ext := make([]byte, extLen)
		if _, err := io.ReadFull(buf, ext); err != nil {
			return nil, err
		}
		c.ExtFields = map[string]string{}
		eb := bytes.NewBuffer(ext)
		for eb.Len() > 0 {
			var kl int16
			var vl int32
			if err := binary.Read(eb, binary.BigEndian, &kl); err != nil {
				return nil, err
			}
			k := make([]byte, kl)
			if _, err := io.ReadFull(eb, k); err != nil {
				return nil, err
			}
			if err := binary.Read(eb, binary.BigEndian, &vl); err != nil {
				return nil, err
			}
			v := make([]byte, vl)
			if _, err := io.ReadFull(eb, v); err != nil {
				return nil, err
			}
			c.ExtFields[string(k)] = string(v)
		}
	}
	return c, nil
}

// clientExt are ext values the client sends: properties with its \x01 and
// \x02 separators, characters jsoniter escapes (<>&, control), unicode.
var clientExt = map[string]string{
	"producerGroup": "pg", "topic": "TopicTest", "queueId": "1", "bornTimestamp": "1700000000123",
	"properties":   "TAGS\x01TagA\x02KEYS\x01k1 k2\x02UNIQ_KEY\x01C00002027AFC000000006a09d4080001\x02",
	"subscription": "TagA || TagB && <x>", "remark\"q": "back\\slash/\n\t\r",
	"unicode": "ключ 值 😀 \u2028 \x7f", "empty": "",
}

func TestDecodeClientFrames(t *testing.T) {
	literal := func(hdr string, body string) []byte {
		b := binary.BigEndian.AppendUint32(nil, uint32(4+len(hdr)+len(body)))
		b = binary.BigEndian.AppendUint32(b, uint32(len(hdr)))
		return append(append(b, hdr...), body...)
	}
	tests := []struct {
		name  string
		frame []byte
		want  *Command
	}{
		{
			name:  "jsoniter send with body",
			frame: clientEncode(t, &clientCommand{Code: 10, Language: 9, Version: 317, Opaque: 2, ExtFields: clientExt, Body: []byte("hello")}),
			want:  &Command{Code: 10, Language: "GO", Version: 317, Opaque: 2, ExtFields: clientExt, Body: []byte("hello")},
		},
		{
			name:  "jsoniter response no body",
			frame: clientEncode(t, &clientCommand{Code: 0, Language: 9, Version: 317, Opaque: 99, Flag: 1, Remark: "<done> & ok\x01", ExtFields: map[string]string{}}),
			want:  &Command{Code: 0, Language: "GO", Version: 317, Opaque: 99, Flag: 1, Remark: "<done> & ok\x01"},
		},
		{
			name:  "jsoniter nil ext",
			frame: clientEncode(t, &clientCommand{Code: 34, Language: 9, Version: 317, Opaque: 3}),
			want:  &Command{Code: 34, Language: "GO", Version: 317, Opaque: 3},
		},
		{
			name: "captured send",
			frame: literal(`{"code":10,"language":"GO","version":317,"opaque":2,"flag":0,"remark":"","extFields":`+
				`{"producerGroup":"pg","topic":"TopicTest","queueId":"1","sysFlag":"0",`+
				`"properties":"TAGS\u0001TagA\u0002KEYS\u0001k1 k2\u0002UNIQ_KEY\u0001C00002027AFC000000006a09d4080001\u0002"}}`, "body"),
			want: &Command{Code: 10, Language: "GO", Version: 317, Opaque: 2, Body: []byte("body"), ExtFields: map[string]string{
				"producerGroup": "pg", "topic": "TopicTest", "queueId": "1", "sysFlag": "0",
				"properties": "TAGS\x01TagA\x02KEYS\x01k1 k2\x02UNIQ_KEY\x01C00002027AFC000000006a09d4080001\x02",
			}},
		},
		{
			name: "java style response",
			frame: literal(`{"code":0,"extFields":{"queueId":"1","TRACE_ON":"true"},"flag":1,"language":"JAVA",`+
				`"opaque":5,"remark":null,"serializeTypeCurrentRPC":"JSON","version":407}`, ""),
			want: &Command{Code: 0, Language: "JAVA", Version: 407, Opaque: 5, Flag: 1, ExtFields: map[string]string{"queueId": "1", "TRACE_ON": "true"}},
		},
		{
			name:  "language as ordinal, extFields null",
			frame: literal(`{"code":39,"language":0,"version":407,"opaque":6,"flag":2,"remark":null,"extFields":null}`, ""),
			want:  &Command{Code: 39, Language: "JAVA", Version: 407, Opaque: 6, Flag: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readOne(tt.frame, DefaultMaxFrameSize)
			if err != nil {
				t.Fatal(err)
			}
			if d := diffCommand(got, tt.want); d != "" {
				t.Fatal(d)
			}
		})
	}
}

func TestClientDecodesOurFrames(t *testing.T) {
	tests := []struct {
		name string
		cmd  Command
	}{
		{"response with ext", Command{Code: 0, Version: Version, Opaque: 7, Flag: FlagResponse, Remark: "ok <&>\x01",
			ExtFields: clientExt, Body: []byte("body")}},
		{"no ext no body", Command{Code: 17, Language: "JAVA", Opaque: 8, Flag: FlagResponse}},
		{"broker request", Command{Code: 39, Opaque: 9, Flag: FlagOneway, ExtFields: map[string]string{"tranStateTableOffset": "12", "commitLogOffset": "3456"}}},
	}
	for _, tt := range tests {
		for _, st := range []SerializeType{JSON, RocketMQ} {
			t.Run(tt.name+map[SerializeType]string{JSON: "/json", RocketMQ: "/rocketmq"}[st], func(t *testing.T) {
				cmd := tt.cmd
				cmd.Serialize = st
				frame, err := AppendFrame(nil, &cmd)
				if err != nil {
					t.Fatal(err)
				}
				got, err := clientDecode(frame[4:])
				if err != nil {
					t.Fatalf("the client cannot decode %q: %v", frame, err)
				}
				if got.Code != cmd.Code || got.Version != cmd.Version || got.Opaque != cmd.Opaque || got.Flag != cmd.Flag || got.Remark != cmd.Remark {
					t.Errorf("client decoded %+v from %+v", got, cmd)
				}
				if len(got.ExtFields)+len(cmd.ExtFields) > 0 && !maps.Equal(got.ExtFields, cmd.ExtFields) {
					t.Errorf("client decoded ext %q, want %q", got.ExtFields, cmd.ExtFields)
				}
				if !bytes.Equal(got.Body, cmd.Body) {
					t.Errorf("client decoded body %q, want %q", got.Body, cmd.Body)
				}
				if st != JSON {
					return
				}
				// Every ext value is a JSON string: jsoniter fails on a number.
				var raw struct {
					ExtFields map[string]any `json:"extFields"`
				}
				hl := int(binary.BigEndian.Uint32(frame[4:]) & 0xFFFFFF)
				if err := jsoniter.Unmarshal(frame[8:8+hl], &raw); err != nil {
					t.Fatal(err)
				}
				for k, v := range raw.ExtFields {
					if _, ok := v.(string); !ok {
						t.Errorf("ext %q is %T, want a string", k, v)
					}
				}
				if strings.Contains(string(frame[8:8+hl]), `"extFields":null`) {
					t.Error("extFields written as null; the client always sends an object")
				}
			})
		}
	}
}
