package remoting

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The JSON header decoder is hand-rolled because it runs for every send
// and pull. It accepts exactly what encoding/json accepts when
// unmarshalling into
//
//	struct {
//		Code      int16             `json:"code"`
//		Language  json.RawMessage   `json:"language"`
//		Version   int16             `json:"version"`
//		Opaque    int32             `json:"opaque"`
//		Flag      int32             `json:"flag"`
//		Remark    *string           `json:"remark"`
//		ExtFields map[string]string `json:"extFields"`
//	}
//
// and decodes to the same values; FuzzJSONHeader holds it to that. The
// encoding/json rules it copies: keys match case-insensitively (Unicode
// simple folding), the last duplicate wins except that a second extFields
// object merges into the first and null resets it, null leaves a number
// unchanged, invalid UTF-8 and lone surrogates become U+FFFD, unknown keys
// take any value but must be valid JSON nested at most 10000 deep.
//
// All strings of one decoded header share a single allocation.

// maxNestingDepth is encoding/json's limit on nested arrays and objects.
const maxNestingDepth = 10000

// jsonDecoder decodes one header. Unescaped strings go to buf and are
// referred to by span until one string is made of buf at the end.
type jsonDecoder struct {
	b   []byte
	p   int
	buf []byte
}

type span struct{ from, to int }

type extEntry struct{ k, v span }

func decodeJSONHeader(b []byte) (*Command, error) {
	var scratch [1024]byte
	var entries [24]extEntry
	d := jsonDecoder{b: b, buf: scratch[:0]}
	var (
		code, version int16
		opaque, flag  int32
		remark, lang  span
		langName      string // set when language was a number
		ext           = entries[:0]
	)
	d.skipWS()
	if d.p < len(b) && b[d.p] == 'n' {
		if err := d.literal("null"); err != nil {
			return nil, err
		}
		if err := d.end(); err != nil {
			return nil, err
		}
		return &Command{Serialize: JSON, ExtFields: map[string]string{}}, nil
	}
	if err := d.expect('{'); err != nil {
		return nil, err
	}
	d.skipWS()
	if d.p < len(b) && b[d.p] == '}' {
		d.p++
	} else {
		for {
			field, err := d.key()
			if err != nil {
				return nil, err
			}
			switch field {
			case fieldCode:
				err = d.int16Field(&code)
			case fieldVersion:
				err = d.int16Field(&version)
			case fieldOpaque:
				err = d.int32Field(&opaque)
			case fieldFlag:
				err = d.int32Field(&flag)
			case fieldRemark:
				remark, err = d.stringOrNull()
			case fieldLanguage:
				lang, langName, err = d.language()
			case fieldExtFields:
				ext, err = d.extFields(ext)
			default:
				err = d.skipValue()
			}
			if err != nil {
				return nil, err
			}
			d.skipWS()
			if d.p >= len(b) {
				return nil, d.errorf("unexpected end")
			}
			if b[d.p] == '}' {
				d.p++
				break
			}
			if b[d.p] != ',' {
				return nil, d.errorf("want , or }")
			}
			d.p++
		}
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	all := string(d.buf)
	c := &Command{
		Code: code, Version: version, Opaque: opaque, Flag: flag, Serialize: JSON,
		Remark: all[remark.from:remark.to], Language: langName,
		ExtFields: make(map[string]string, len(ext)),
	}
	if langName == "" {
		c.Language = all[lang.from:lang.to]
	}
	for _, e := range ext {
		c.ExtFields[all[e.k.from:e.k.to]] = all[e.v.from:e.v.to]
	}
	return c, nil
}

func (d *jsonDecoder) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: json: %s at offset %d", ErrBadHeader, fmt.Sprintf(format, args...), d.p)
}

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

type headerField int

const (
	fieldUnknown headerField = iota
	fieldCode
	fieldLanguage
	fieldVersion
	fieldOpaque
	fieldFlag
	fieldRemark
	fieldExtFields
)

// key reads an object key and the colon after it, and names the header
// field it selects. The key is unescaped into buf only to match it.
func (d *jsonDecoder) key() (headerField, error) {
	d.skipWS()
	mark := len(d.buf)
	s, err := d.string()
	if err != nil {
		return 0, err
	}
	k := d.buf[s.from:s.to]
	f := fieldUnknown
	switch string(k) {
	case "code":
		f = fieldCode
	case "language":
		f = fieldLanguage
	case "version":
		f = fieldVersion
	case "opaque":
		f = fieldOpaque
	case "flag":
		f = fieldFlag
	case "remark":
		f = fieldRemark
	case "extFields":
		f = fieldExtFields
	default:
		f = foldedField(k)
	}
	d.buf = d.buf[:mark]
	d.skipWS()
	return f, d.expect(':')
}

// foldedField matches k as encoding/json does when no name is equal:
// by folding ASCII letters to upper case and other runes to the smallest
// rune of their fold set (so "ſ" matches 's' and "K" (Kelvin) 'k').
func foldedField(k []byte) headerField {
	if len(k) > len("EXTFIELDS")*utf8.UTFMax {
		return fieldUnknown
	}
	var arr [len("EXTFIELDS") * utf8.UTFMax]byte
	folded := arr[:0]
	for i := 0; i < len(k); {
		if c := k[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			folded = append(folded, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(k[i:])
		folded = utf8.AppendRune(folded, foldRune(r))
		i += n
	}
	switch string(folded) {
	case "CODE":
		return fieldCode
	case "LANGUAGE":
		return fieldLanguage
	case "VERSION":
		return fieldVersion
	case "OPAQUE":
		return fieldOpaque
	case "FLAG":
		return fieldFlag
	case "REMARK":
		return fieldRemark
	case "EXTFIELDS":
		return fieldExtFields
	}
	return fieldUnknown
}

// foldRune returns the smallest rune of r's fold set, as encoding/json.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

func (d *jsonDecoder) int16Field(v *int16) error {
	n, ok, err := d.intOrNull(1 << 15)
	if ok {
		*v = int16(n)
	}
	return err
}

func (d *jsonDecoder) int32Field(v *int32) error {
	n, ok, err := d.intOrNull(1 << 31)
	if ok {
		*v = int32(n)
	}
	return err
}

// intOrNull reads an integer in [-limit, limit-1], or null (ok false).
// Fractions and exponents are refused as encoding/json refuses them for
// integer fields.
func (d *jsonDecoder) intOrNull(limit int64) (n int64, ok bool, err error) {
	if d.p >= len(d.b) {
		return 0, false, d.errorf("unexpected end, want a number")
	}
	if d.b[d.p] == 'n' {
		return 0, false, d.literal("null")
	}
	neg := d.b[d.p] == '-'
	if neg {
		d.p++
		limit++
	}
	start := d.p
	for d.p < len(d.b) && '0' <= d.b[d.p] && d.b[d.p] <= '9' {
		n = n*10 + int64(d.b[d.p]-'0')
		if n >= limit {
			return 0, false, d.errorf("number out of range")
		}
		d.p++
	}
	switch {
	case d.p == start:
		return 0, false, d.errorf("want a number")
	case d.b[start] == '0' && d.p-start > 1:
		return 0, false, d.errorf("number with a leading zero")
	case d.p < len(d.b) && (d.b[d.p] == '.' || d.b[d.p] == 'e' || d.b[d.p] == 'E'):
		return 0, false, d.errorf("want an integer")
	}
	if neg {
		n = -n
	}
	return n, true, nil
}

func (d *jsonDecoder) stringOrNull() (span, error) {
	if d.p < len(d.b) && d.b[d.p] == 'n' {
		return span{}, d.literal("null")
	}
	return d.string()
}

// language reads any value. A string is the name; an integer from 0 to
// 255 is Java's LanguageCode ordinal; anything else decodes to "".
func (d *jsonDecoder) language() (span, string, error) {
	if d.p >= len(d.b) {
		return span{}, "", d.errorf("unexpected end, want a value")
	}
	switch c := d.b[d.p]; {
	case c == '"':
		s, err := d.string()
		return s, "", err
	case c == '-' || '0' <= c && c <= '9':
		start := d.p
		if err := d.number(); err != nil {
			return span{}, "", err
		}
		if n, err := strconv.Atoi(string(d.b[start:d.p])); err == nil && n >= 0 && n < 256 {
			return span{}, languageName(byte(n)), nil
		}
		return span{}, "", nil
	}
	return span{}, "", d.skipValue()
}

// extFields reads an object of strings (null values read as "") and
// appends its entries to ext; null empties ext, as it sets the map nil.
func (d *jsonDecoder) extFields(ext []extEntry) ([]extEntry, error) {
	if d.p < len(d.b) && d.b[d.p] == 'n' {
		return ext[:0], d.literal("null")
	}
	if err := d.expect('{'); err != nil {
		return ext, err
	}
	d.skipWS()
	if d.p < len(d.b) && d.b[d.p] == '}' {
		d.p++
		return ext, nil
	}
	for {
		d.skipWS()
		k, err := d.string()
		if err != nil {
			return ext, err
		}
		d.skipWS()
		if err := d.expect(':'); err != nil {
			return ext, err
		}
		d.skipWS()
		v, err := d.stringOrNull()
		if err != nil {
			return ext, err
		}
		ext = append(ext, extEntry{k, v})
		d.skipWS()
		if d.p >= len(d.b) {
			return ext, d.errorf("unexpected end in extFields")
		}
		switch d.b[d.p] {
		case '}':
			d.p++
			return ext, nil
		case ',':
			d.p++
		default:
			return ext, d.errorf("want , or } in extFields")
		}
	}
}

// string unescapes the string at p into buf.
func (d *jsonDecoder) string() (span, error) {
	if err := d.expect('"'); err != nil {
		return span{}, err
	}
	b := d.b
	s := span{from: len(d.buf)}
	for {
		start := d.p
		for d.p < len(b) {
			if c := b[d.p]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
				break
			}
			d.p++
		}
		d.buf = append(d.buf, b[start:d.p]...)
		if d.p >= len(b) {
			return span{}, d.errorf("unterminated string")
		}
		switch c := b[d.p]; {
		case c == '"':
			d.p++
			s.to = len(d.buf)
			return s, nil
		case c == '\\':
			if err := d.escape(); err != nil {
				return span{}, err
			}
		case c < 0x20:
			return span{}, d.errorf("control character %#x in string", c)
		default:
			r, n := utf8.DecodeRune(b[d.p:])
			if r == utf8.RuneError && n == 1 {
				d.buf = utf8.AppendRune(d.buf, utf8.RuneError)
			} else {
				d.buf = append(d.buf, b[d.p:d.p+n]...)
			}
			d.p += n
		}
	}
}

// escape unescapes the escape sequence at p into buf. A lone or
// mismatched surrogate becomes U+FFFD and the next escape is read on its
// own, as encoding/json does.
func (d *jsonDecoder) escape() error {
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
		d.buf = utf8.AppendRune(d.buf, r)
		return nil
	default:
		return d.errorf("bad escape \\%c", b[d.p+1])
	}
	d.buf = append(d.buf, c)
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
