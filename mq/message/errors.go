package message

import "errors"

// Sentinel errors. Decoders wrap them with the offending values.
var (
	// ErrTruncated means the bytes end before the record or item they announce.
	ErrTruncated = errors.New("message: truncated")
	// ErrMalformed means a length or field is out of range.
	ErrMalformed = errors.New("message: malformed")
	// ErrTopicTooLong means a topic does not fit the record's one-byte length.
	ErrTopicTooLong = errors.New("message: topic too long")
	// ErrPropertiesTooLong means properties do not fit the record's int16 length.
	ErrPropertiesTooLong = errors.New("message: properties too long")
	// ErrBadMsgID means a string is not an offset message id.
	ErrBadMsgID = errors.New("message: bad offset message id")
)
