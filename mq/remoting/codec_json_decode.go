package remoting

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
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
// All strings of one decoded header share a single allocation, which a
// kept ext value therefore keeps alive.

// maxNestingDepth is encoding/json's limit on nested arrays and objects.
const maxNestingDepth = 10000

// jsonDecoder decodes one header. Unescaped strings go to text and are
// referred to by span until text becomes one string at the end.
type jsonDecoder struct {
	b    []byte
	p    int
	text strings.Builder
}

// span is a string in jsonDecoder.text.
type span struct{ from, to int }

type extEntry struct{ k, v span }

// decodeJSONHeader decodes a JSON header; errors wrap ErrBadHeader.
func decodeJSONHeader(b []byte) (*Command, error) {
	var entries [24]extEntry
	d := jsonDecoder{b: b}
	d.text.Grow(len(b)) // enough unless invalid UTF-8 triples as U+FFFD
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
	all := d.text.String()
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
// field it selects.
func (d *jsonDecoder) key() (headerField, error) {
	d.skipWS()
	if d.p >= len(d.b) || d.b[d.p] != '"' {
		return 0, d.errorf("want an object key")
	}
	// Plain keys, the usual ones, are matched where they are.
	end := d.p + 1
	for end < len(d.b) && plain[d.b[end]] {
		end++
	}
	var k []byte
	if end < len(d.b) && d.b[end] == '"' {
		k = d.b[d.p+1 : end]
		d.p = end + 1
	} else {
		var sb strings.Builder
		if _, err := d.string(&sb); err != nil {
			return 0, err
		}
		k = []byte(sb.String())
	}
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
	d.skipWS()
	if err := d.expect(':'); err != nil {
		return 0, err
	}
	d.skipWS()
	return f, nil
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
	return d.string(&d.text)
}

// language reads any value. A string is the name; an integer from 0 to
// 255 is Java's LanguageCode ordinal; anything else decodes to "".
func (d *jsonDecoder) language() (span, string, error) {
	if d.p >= len(d.b) {
		return span{}, "", d.errorf("unexpected end, want a value")
	}
	switch c := d.b[d.p]; {
	case c == '"':
		s, err := d.string(&d.text)
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
		k, err := d.string(&d.text)
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
