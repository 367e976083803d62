package conf

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Load reads a broker.conf from r on top of Default and returns the result,
// not yet validated: apply any overrides with Set, then call Validate.
//
// The format is Java's properties syntax: blank lines and lines whose first
// non-blank character is '#' or '!' are ignored; a key ends at the first
// '=', ':' or blank, and the separator may have blanks around it ("k=v",
// "k = v", "k:v", "k v"); a line ending in a backslash continues on the next;
// backslash escapes (\t, \n, \uXXXX, \=, ...) are decoded. Values are trimmed.
// There are no trailing comments: "brokerId=0 # master" is an invalid value.
// When a key appears twice the last one wins.
//
// An unknown key is not an error (the Java broker ignores it too): Load
// returns one warning per distinct unknown key, in the form
// `broker.conf:12: unknown key "sendMessageThreadPoolNums" ignored`.
// A bad value or line gives an error naming its line, key and value and
// wrapping ErrInvalidValue or ErrSyntax; Load reports every bad line at once
// (errors.Join) and then returns the zero Broker with the warnings found.
func Load(r io.Reader) (Broker, []string, error) {
	return load(r, "broker.conf")
}

// LoadFile is Load on the file at path; messages name path instead of
// "broker.conf".
func LoadFile(path string) (Broker, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return Broker{}, nil, fmt.Errorf("conf: %w", err)
	}
	defer f.Close()
	return load(f, path)
}

func load(r io.Reader, name string) (Broker, []string, error) {
	b := Default()
	var (
		warnings []string
		errs     []error
		warned   = make(map[string]bool)
	)
	lr := newLineReader(r)
	for {
		line, text, ok := lr.next()
		if !ok {
			break
		}
		key, value, err := splitEntry(text)
		if err == nil {
			err = b.Set(key, value)
		}
		switch {
		case err == nil:
		case errors.Is(err, ErrUnknownKey):
			if !warned[key] {
				warned[key] = true
				warnings = append(warnings, fmt.Sprintf("%s:%d: unknown key %q ignored", name, line, key))
			}
		default:
			errs = append(errs, fmt.Errorf("%s:%d: %w", name, line, err))
		}
	}
	if err := lr.err(); err != nil {
		errs = append(errs, fmt.Errorf("%s:%d: %w", name, lr.line+1, err))
	}
	if len(errs) > 0 {
		return Broker{}, warnings, errors.Join(errs...)
	}
	return b, warnings, nil
}

// maxLine bounds one physical line, so a corrupt file cannot make Load
// buffer without limit.
const maxLine = 1 << 20

// lineReader yields the logical lines of a properties file: comments and
// blank lines skipped, leading blanks removed, continuation lines joined.
type lineReader struct {
	sc   *bufio.Scanner
	line int // physical lines consumed so far
}

func newLineReader(r io.Reader) *lineReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	return &lineReader{sc: sc}
}

// next returns the next logical line and the number of its first physical
// line; ok is false at the end of input or on a read error (see err).
func (lr *lineReader) next() (line int, text string, ok bool) {
	for lr.sc.Scan() {
		lr.line++
		s := trimLeftBlank(lr.sc.Text())
		if lr.line == 1 {
			s = trimLeftBlank(trimBOM(s))
		}
		if s == "" || s[0] == '#' || s[0] == '!' {
			continue
		}
		line = lr.line
		if !continues(s) {
			return line, s, true
		}
		// A Builder keeps long runs of continuation lines linear.
		var sb strings.Builder
		for continues(s) {
			sb.WriteString(s[:len(s)-1])
			if !lr.sc.Scan() {
				return line, sb.String(), true // continuation at end of input
			}
			lr.line++
			s = trimLeftBlank(lr.sc.Text())
		}
		sb.WriteString(s)
		return line, sb.String(), true
	}
	return 0, "", false
}

// err returns the read error that stopped next, if any.
func (lr *lineReader) err() error {
	if err := lr.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%w: line longer than %d bytes", ErrSyntax, maxLine)
		}
		return fmt.Errorf("conf: read: %w", err)
	}
	return nil
}

// continues reports whether s ends in an odd number of backslashes, which
// joins the next line onto it.
func continues(s string) bool {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

func trimBOM(s string) string {
	const bom = "\uFEFF"
	if len(s) >= len(bom) && s[:len(bom)] == bom {
		return s[len(bom):]
	}
	return s
}
