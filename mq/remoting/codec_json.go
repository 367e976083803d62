package remoting

import (
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"
)

// appendJSONHeader writes the header in the field order the Go client uses.
// extFields values are always JSON strings: the Go client cannot decode
// numbers there.
func appendJSONHeader(dst []byte, c *Command, ext *sortedExt) []byte {
	lang := c.Language
	if lang == "" {
		lang = "GO"
	}
	dst = append(dst, `{"code":`...)
	dst = strconv.AppendInt(dst, int64(c.Code), 10)
	dst = append(dst, `,"language":`...)
	dst = appendJSONString(dst, lang)
	dst = append(dst, `,"version":`...)
	dst = strconv.AppendInt(dst, int64(c.Version), 10)
	dst = append(dst, `,"opaque":`...)
	dst = strconv.AppendInt(dst, int64(c.Opaque), 10)
	dst = append(dst, `,"flag":`...)
	dst = strconv.AppendInt(dst, int64(c.Flag), 10)
	dst = append(dst, `,"remark":`...)
	dst = appendJSONString(dst, c.Remark)
	dst = append(dst, `,"extFields":{`...)
	for i := range ext.len() {
		if i > 0 {
			dst = append(dst, ',')
		}
		k, v := ext.at(i)
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		dst = appendJSONString(dst, v)
	}
	return append(dst, `}}`...)
}

// sortedExt holds ext fields in key order, so that a header encodes the
// same way every time. Up to 32 fields it needs no allocation and moves
// no strings while sorting: the sort permutes one-byte indexes (moving a
// string can cost a GC write barrier).
type sortedExt struct {
	keys, vals [32]string
	order      [32]uint8
	n          int
	size       int      // the bytes of all keys and values
	more       []string // all keys, sorted, when there are more than 32
	m          map[string]string
}

func (s *sortedExt) init(m map[string]string) {
	s.m = m
	if len(m) > len(s.keys) {
		s.more = slices.Sorted(maps.Keys(m))
		for k, v := range m {
			s.size += len(k) + len(v)
		}
		return
	}
	for k, v := range m {
		s.keys[s.n], s.vals[s.n], s.order[s.n] = k, v, uint8(s.n)
		s.size += len(k) + len(v)
		s.n++
	}
	// Insertion sort: a header has a dozen fields.
	for i := 1; i < s.n; i++ {
		for j := i; j > 0 && s.keys[s.order[j]] < s.keys[s.order[j-1]]; j-- {
			s.order[j], s.order[j-1] = s.order[j-1], s.order[j]
		}
	}
}

func (s *sortedExt) len() int {
	if s.more != nil {
		return len(s.more)
	}
	return s.n
}

// at returns the i-th field in key order.
func (s *sortedExt) at(i int) (k, v string) {
	if s.more != nil {
		return s.more[i], s.m[s.more[i]]
	}
	j := s.order[i]
	return s.keys[j], s.vals[j]
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s, escaping as encoding/json does for control
// characters, quotes, backslashes and invalid UTF-8. Runs that need no
// escaping are copied whole.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			start = i + 1
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// languages maps Java's LanguageCode ordinals to names, for headers that
// carry the number instead of the name.
var languages = []string{"JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY", "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST"}

func languageName(b byte) string {
	if int(b) < len(languages) {
		return languages[b]
	}
	return "OTHER"
}
