package conf

import (
	"fmt"
	"strconv"
	"strings"
)

// isBlank reports the whitespace of Java's properties syntax.
func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\f' }

func trimLeftBlank(s string) string {
	i := 0
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	return s[i:]
}

// splitEntry splits a logical line (no leading blanks) into its decoded key
// and value. The key ends at the first unescaped '=', ':' or blank; blanks,
// then at most one '=' or ':', then blanks separate it from the value.
func splitEntry(s string) (key, value string, err error) {
	i := 0
	for escaped := false; i < len(s); i++ {
		c := s[i]
		if escaped {
			escaped = false
			continue
		}
		if c == '\\' {
			escaped = true
			continue
		}
		if c == '=' || c == ':' || isBlank(c) {
			break
		}
	}
	rest := trimLeftBlank(s[i:])
	if rest != "" && (rest[0] == '=' || rest[0] == ':') {
		rest = trimLeftBlank(rest[1:])
	}
	if key, err = unescape(s[:i]); err != nil {
		return "", "", err
	}
	if key == "" {
		return "", "", fmt.Errorf("%w: missing key before %q", ErrSyntax, s)
	}
	if value, err = unescape(rest); err != nil {
		return "", "", fmt.Errorf("key %q: %w", key, err)
	}
	return key, value, nil
}

// unescape decodes Java properties escapes: \t \n \r \f, \uXXXX, and a
// backslash before any other character standing for that character.
func unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			sb.WriteByte(c)
			continue
		}
		i++
		if i == len(s) {
			break // a lone trailing backslash decodes to nothing, as in Java
		}
		switch c = s[i]; c {
		case 't':
			sb.WriteByte('\t')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 'f':
			sb.WriteByte('\f')
		case 'u':
			if i+5 > len(s) {
				return "", fmt.Errorf("%w: malformed \\uXXXX escape in %q", ErrSyntax, s)
			}
			n, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
			if err != nil {
				return "", fmt.Errorf("%w: malformed \\uXXXX escape in %q", ErrSyntax, s)
			}
			sb.WriteRune(rune(n))
			i += 4
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String(), nil
}
