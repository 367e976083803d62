package remoting

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The lexing half of the JSON header decoder: white space, literals,
// strings, and checking the values it does not keep (those of unknown
// keys) without decoding them. It rejects what encoding/json's scanner
// rejects.

func (d *jsonDecoder) skipWS() {
	for d.p < len(d.b) {
		switch d.b[d.p] {
		case ' ', '\t', '\n', '\r':
			d.p++
		default:
			return
		}
	}
}

// end checks that only white space follows the top-level value.
func (d *jsonDecoder) end() error {
	d.skipWS()
	if d.p != len(d.b) {
		return d.errorf("data after the header object")
	}
	return nil
}

func (d *jsonDecoder) expect(c byte) error {
	if d.p >= len(d.b) {
		return d.errorf("unexpected end, want %q", c)
	}
	if d.b[d.p] != c {
		return d.errorf("want %q, have %q", c, d.b[d.p])
	}
	d.p++
	return nil
}

func (d *jsonDecoder) literal(lit string) error {
	if len(d.b)-d.p < len(lit) || string(d.b[d.p:d.p+len(lit)]) != lit {
		return d.errorf("bad literal, want %s", lit)
	}
	d.p += len(lit)
	return nil
}

// plain marks the bytes that stand for themselves inside a JSON string:
// ASCII other than control characters, quote and backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// string unescapes the string at p into sb.
func (d *jsonDecoder) string(sb *strings.Builder) (span, error) {
	if err := d.expect('"'); err != nil {
		return span{}, err
	}
	b := d.b
	s := span{from: sb.Len()}
	for {
		start := d.p
		for d.p < len(b) && plain[b[d.p]] {
			d.p++
		}
		sb.Write(b[start:d.p])
		if d.p >= len(b) {
			return span{}, d.errorf("unterminated string")
		}
		switch c := b[d.p]; {
		case c == '"':
			d.p++
			s.to = sb.Len()
			return s, nil
		case c == '\\':
			if err := d.escape(sb); err != nil {
				return span{}, err
			}
		case c < 0x20:
			return span{}, d.errorf("control character %#x in string", c)
		default:
			r, n := utf8.DecodeRune(b[d.p:])
			if r == utf8.RuneError && n == 1 {
				sb.WriteRune(utf8.RuneError)
			} else {
				sb.Write(b[d.p : d.p+n])
			}
			d.p += n
		}
	}
}

// escape unescapes the escape sequence at p into sb. A lone or
// mismatched surrogate becomes U+FFFD and the next escape is read on its
// own, as encoding/json does.
func (d *jsonDecoder) escape(sb *strings.Builder) error {
	b := d.b
	if d.p+1 >= len(b) {
		return d.errorf("unterminated escape")
	}
	var c byte
	switch b[d.p+1] {
	case '"', '\\', '/':
		c = b[d.p+1]
	case 'b':
		c = '\b'
	case 'f':
		c = '\f'
	case 'n':
		c = '\n'
	case 'r':
		c = '\r'
	case 't':
		c = '\t'
	case 'u':
		r := hex4(b[d.p+2:])
		if r < 0 {
			return d.errorf("bad \\u escape")
		}
		d.p += 6
		if utf16.IsSurrogate(r) {
			r2 := rune(-1)
			if d.p+1 < len(b) && b[d.p] == '\\' && b[d.p+1] == 'u' {
				r2 = hex4(b[d.p+2:])
			}
			if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
				d.p += 6
				r = dec
			} else {
				r = unicode.ReplacementChar
			}
		}
		sb.WriteRune(r)
		return nil
	default:
		return d.errorf("bad escape \\%c", b[d.p+1])
	}
	sb.WriteByte(c)
	d.p += 2
	return nil
}

// hex4 decodes four hex digits, or returns -1.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// skipString checks the string at p without unescaping it.
func (d *jsonDecoder) skipString() error {
	b := d.b
	d.p++ // the opening quote
	for d.p < len(b) {
		if c := b[d.p]; c >= utf8.RuneSelf || plain[c] {
			d.p++
			continue
		}
		switch c := b[d.p]; {
		case c == '"':
			d.p++
			return nil
		case c == '\\':
			if d.p+1 >= len(b) {
				return d.errorf("unterminated escape")
			}
			switch b[d.p+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.p += 2
			case 'u':
				if hex4(b[d.p+2:]) < 0 {
					return d.errorf("bad \\u escape")
				}
				d.p += 6
			default:
				return d.errorf("bad escape \\%c", b[d.p+1])
			}
		case c < 0x20:
			return d.errorf("control character %#x in string", c)
		default:
			d.p++
		}
	}
	return d.errorf("unterminated string")
}

// number checks a JSON number at p.
func (d *jsonDecoder) number() error {
	b := d.b
	if d.p < len(b) && b[d.p] == '-' {
		d.p++
	}
	digits := func() int {
		start := d.p
		for d.p < len(b) && '0' <= b[d.p] && b[d.p] <= '9' {
			d.p++
		}
		return d.p - start
	}
	switch {
	case d.p < len(b) && b[d.p] == '0':
		d.p++
	case digits() == 0:
		return d.errorf("want a digit")
	}
	if d.p < len(b) && b[d.p] == '.' {
		d.p++
		if digits() == 0 {
			return d.errorf("want a digit after .")
		}
	}
	if d.p < len(b) && (b[d.p] == 'e' || b[d.p] == 'E') {
		d.p++
		if d.p < len(b) && (b[d.p] == '+' || b[d.p] == '-') {
			d.p++
		}
		if digits() == 0 {
			return d.errorf("want a digit in the exponent")
		}
	}
	return nil
}

// skipValue checks any JSON value at p (inside the top-level object)
// without decoding it. Nesting is tracked on an explicit stack.
func (d *jsonDecoder) skipValue() error {
	var arr [32]byte
	stack := arr[:0] // the open brackets, '{' or '['
	b := d.b
	for {
		// A value starts at p.
		d.skipWS()
		if d.p >= len(b) {
			return d.errorf("unexpected end, want a value")
		}
		var err error
		switch c := b[d.p]; c {
		case '{', '[':
			// +1 for the header object itself.
			if len(stack)+2 > maxNestingDepth {
				return d.errorf("exceeded max depth")
			}
			d.p++
			d.skipWS()
			if d.p < len(b) && (c == '{' && b[d.p] == '}' || c == '[' && b[d.p] == ']') {
				d.p++
				break
			}
			stack = append(stack, c)
			if c == '{' {
				err = d.memberKey()
			}
			if err != nil {
				return err
			}
			continue
		case '"':
			err = d.skipString()
		case 't':
			err = d.literal("true")
		case 'f':
			err = d.literal("false")
		case 'n':
			err = d.literal("null")
		default:
			if c != '-' && (c < '0' || c > '9') {
				return d.errorf("want a value, have %q", c)
			}
			err = d.number()
		}
		if err != nil {
			return err
		}
		// A value ended: close brackets until another value is due.
		for {
			if len(stack) == 0 {
				return nil
			}
			d.skipWS()
			if d.p >= len(b) {
				return d.errorf("unexpected end in a nested value")
			}
			top, c := stack[len(stack)-1], b[d.p]
			if top == '{' && c == '}' || top == '[' && c == ']' {
				d.p++
				stack = stack[:len(stack)-1]
				continue
			}
			if c != ',' {
				return d.errorf("want , or a closing bracket, have %q", c)
			}
			d.p++
			if top == '{' {
				if err := d.memberKey(); err != nil {
					return err
				}
			}
			break
		}
	}
}

// memberKey checks a key and its colon inside a skipped object.
func (d *jsonDecoder) memberKey() error {
	d.skipWS()
	if d.p >= len(d.b) || d.b[d.p] != '"' {
		return d.errorf("want an object key")
	}
	if err := d.skipString(); err != nil {
		return err
	}
	d.skipWS()
	return d.expect(':')
}
