package conf

import "errors"

// Sentinel errors returned (wrapped, with the key, value and line involved) by
// this package. Match them with errors.Is.
var (
	// ErrInvalidValue reports a value that does not parse as its key's type or
	// is out of range.
	ErrInvalidValue = errors.New("conf: invalid value")
	// ErrUnknownKey reports a key this broker does not know. Load turns it
	// into a warning, because Java brokers ignore unknown keys too.
	ErrUnknownKey = errors.New("conf: unknown key")
	// ErrSyntax reports a line that is not a valid properties entry.
	ErrSyntax = errors.New("conf: syntax error")
)
