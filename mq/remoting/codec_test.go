package remoting

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
)

// readOne reads one frame from b with ReadFrame.
func readOne(b []byte, maxFrame int) (*Command, error) {
	return ReadFrame(bufio.NewReader(bytes.NewReader(b)), maxFrame)
}

func TestFrameRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		cmd  Command
	}{
		{"all fields", Command{
			Code: 10, Language: "JAVA", Version: 407, Opaque: -7, Flag: FlagResponse | FlagOneway, Remark: "no route",
			ExtFields: map[string]string{"topic": "T", "queueId": "3", "": "empty key"}, Body: []byte("hello"),
		}},
		{"nil ext no body", Command{Code: 34, Language: "GO", Version: 317, Opaque: 1}},
		{"empty ext empty remark", Command{Code: 0, Language: "GO", ExtFields: map[string]string{}}},
		{"extremes", Command{Code: -32768, Language: "GO", Version: 32767, Opaque: 2147483647, Flag: -2147483648}},
		{"control chars", Command{
			Code: 10, Language: "GO", Remark: "line\nbreak\ttab\r\x00\x1f\x7f",
			ExtFields: map[string]string{"properties": "TAGS\x01TagA\x02KEYS\x01k1 k2\x02", "q\"uote": "back\\slash/"},
		}},
		{"unicode", Command{
			Code: 11, Language: "GO", Remark: "запрос 😀 \u2028\u2029 <>&",
			ExtFields: map[string]string{"ключ": "值 😀", "k": "\ufffd"}, Body: []byte{0, 1, 2, 0xff},
		}},
		{"many ext", Command{Code: 10, Language: "GO", ExtFields: sendMessageCommand().ExtFields, Body: bytes.Repeat([]byte("x"), 5000)}},
		{"more ext than the sort keeps on the stack", Command{Code: 10, Language: "GO", ExtFields: manyExt(40)}},
	}
	for _, tt := range tests {
		for _, st := range []SerializeType{JSON, RocketMQ} {
			name := tt.name + "/json"
			if st == RocketMQ {
				name = tt.name + "/rocketmq"
			}
			t.Run(name, func(t *testing.T) {
				want := tt.cmd
				want.Serialize = st
				frame, err := AppendFrame([]byte("prefix"), &want)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(frame, []byte("prefix")) {
					t.Fatal("AppendFrame overwrote dst")
				}
				frame = frame[len("prefix"):]
				if total := int(binary.BigEndian.Uint32(frame)); total != len(frame)-4 {
					t.Fatalf("length field %d, frame has %d bytes after it", total, len(frame)-4)
				}
				if got := SerializeType(frame[4]); got != st {
					t.Fatalf("serialize type byte %d, want %d", got, st)
				}
				got, err := DecodeFrame(frame[4:])
				if err != nil {
					t.Fatal(err)
				}
				if d := diffCommand(got, &want); d != "" {
					t.Errorf("DecodeFrame: %s", d)
				}
				if got.ExtFields == nil {
					t.Error("ExtFields is nil; decoders always make the map")
				}
				again, err := AppendFrame(nil, &want)
				if err != nil || !bytes.Equal(again, frame) {
					t.Errorf("a second encoding differs: %q, %v", again, err)
				}
				got, err = readOne(frame, DefaultMaxFrameSize)
				if err != nil {
					t.Fatal(err)
				}
				if d := diffCommand(got, &want); d != "" {
					t.Errorf("ReadFrame: %s", d)
				}
			})
		}
	}
}

func TestAppendFrameDefaultsAndErrors(t *testing.T) {
	t.Run("empty language is written as GO", func(t *testing.T) {
		for _, st := range []SerializeType{JSON, RocketMQ} {
			frame, err := AppendFrame(nil, &Command{Code: 1, Serialize: st})
			if err != nil {
				t.Fatal(err)
			}
			c, err := DecodeFrame(frame[4:])
			if err != nil {
				t.Fatal(err)
			}
			if c.Language != "GO" {
				t.Errorf("serialize %d: Language %q, want GO", st, c.Language)
			}
		}
	})
	tests := []struct {
		name string
		cmd  Command
	}{
		{"unknown serialize type", Command{Serialize: 2}},
		{"rocketmq key too long", Command{Serialize: RocketMQ, ExtFields: map[string]string{strings.Repeat("k", 0x8000): "v"}}},
		{"json header too long", Command{Remark: strings.Repeat("r", 0x1000000)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst, err := AppendFrame([]byte("keep"), &tt.cmd)
			if !errors.Is(err, ErrBadHeader) {
				t.Fatalf("err %v, want ErrBadHeader", err)
			}
			if string(dst) != "keep" {
				t.Fatalf("dst %q after an error, want it unchanged", dst)
			}
		})
	}
}

func manyExt(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[strconv.Itoa(i*7919%1000)] = strings.Repeat("v", i)
	}
	return m
}

// frameBytes builds a frame by hand: the length field says total, the
// second word says serialize type st and header length hl.
func frameBytes(total int32, st byte, hl int, rest []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(total))
	b = binary.BigEndian.AppendUint32(b, uint32(st)<<24|uint32(hl))
	return append(b, rest...)
}

func TestReadFrameErrors(t *testing.T) {
	hdr := []byte(`{"code":10,"language":"GO","version":317,"opaque":77,"flag":0,"remark":"","extFields":{}}`)
	const limit = 1024
	tests := []struct {
		name       string
		in         []byte
		wantErr    error // matched with errors.Is
		frameError bool  // the error is a *FrameError
		opaque     int32 // FrameError.Header.Opaque; -1: no header
	}{
		{"empty stream", nil, io.EOF, false, -1},
		{"truncated length", []byte{0, 0}, io.ErrUnexpectedEOF, false, -1},
		{"negative length", frameBytes(-5, 0, 0, nil), ErrBadFrame, true, -1},
		{"length below 4", frameBytes(3, 0, 0, nil), ErrBadFrame, true, -1},
		{"length 0", frameBytes(0, 0, 0, nil), ErrBadFrame, true, -1},
		{"header longer than frame", frameBytes(8, 0, 100, []byte("{}{}")), ErrBadFrame, true, -1},
		{"truncated frame", frameBytes(int32(4+len(hdr)+10), 0, len(hdr), hdr), io.ErrUnexpectedEOF, false, -1},
		{"frame missing entirely", frameBytes(100, 0, 0, nil)[:4], io.ErrUnexpectedEOF, false, -1},
		{"unknown serialize type", frameBytes(int32(4+len(hdr)), 5, len(hdr), hdr), ErrBadHeader, true, -1},
		{"garbage json", frameBytes(9, 0, 5, []byte("{gar}")), ErrBadHeader, true, -1},
		{"empty json header", frameBytes(4, 0, 0, nil), ErrBadHeader, true, -1},
		{"garbage rocketmq", frameBytes(9, 1, 5, []byte("short")), ErrBadHeader, true, -1},
		{"oversized with header", frameBytes(limit+1, 0, len(hdr), hdr), ErrFrameTooLarge, true, 77},
		{"oversized max int32", frameBytes(0x7fffffff, 0, len(hdr), append(hdr, "body"...)), ErrFrameTooLarge, true, 77},
		{"oversized header beyond limit", frameBytes(1<<24, 0, limit, hdr), ErrFrameTooLarge, true, -1},
		{"oversized truncated header", frameBytes(limit+1, 0, len(hdr), hdr[:10]), ErrFrameTooLarge, true, -1},
		{"oversized garbage header", frameBytes(limit+1, 0, 3, []byte("xyz")), ErrFrameTooLarge, true, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := readOne(tt.in, limit)
			if c != nil || !errors.Is(err, tt.wantErr) {
				t.Fatalf("ReadFrame = %v, %v; want error %v", c, err, tt.wantErr)
			}
			var fe *FrameError
			if errors.As(err, &fe) != tt.frameError {
				t.Fatalf("error %T %v: FrameError %v, want %v", err, err, !tt.frameError, tt.frameError)
			}
			if fe == nil {
				return
			}
			if tt.opaque < 0 {
				if fe.Header != nil {
					t.Fatalf("FrameError.Header = %v, want nil", fe.Header)
				}
				return
			}
			if fe.Header == nil || fe.Header.Opaque != tt.opaque || fe.Header.Code != 10 {
				t.Fatalf("FrameError.Header = %v, want opaque %d code 10", fe.Header, tt.opaque)
			}
			if fe.Size <= limit {
				t.Fatalf("FrameError.Size = %d, want the announced size", fe.Size)
			}
		})
	}
}

func TestReadFrameLarge(t *testing.T) {
	// Frames beyond eagerFrameSize are read into a growing buffer.
	body := bytes.Repeat([]byte("0123456789abcdef"), (3*eagerFrameSize+12345)/16)
	want := &Command{Code: 10, Language: "GO", Opaque: 5, Body: body, ExtFields: map[string]string{"a": "b"}}
	frame, err := AppendFrame(nil, want)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("whole", func(t *testing.T) {
		// A tiny bufio buffer and a reader that returns little at a time.
		r := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(frame[:100]), &trickle{b: frame[100:], n: 70000}), 16)
		got, err := ReadFrame(r, 8*eagerFrameSize)
		if err != nil {
			t.Fatal(err)
		}
		if d := diffCommand(got, want); d != "" {
			t.Fatal(d)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		_, err := readOne(frame[:len(frame)-1], 8*eagerFrameSize)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("err %v, want io.ErrUnexpectedEOF", err)
		}
	})
}

// trickle returns at most n bytes of b per Read.
type trickle struct {
	b []byte
	n int
}

func (r *trickle) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), r.n)], r.b)
	r.b = r.b[n:]
	return n, nil
}
