package remoting

import "errors"

// Sentinel errors; callers match them with errors.Is.
var (
	// ErrFrameTooLarge means a frame announced more bytes than the limit.
	ErrFrameTooLarge = errors.New("remoting: frame too large")
	// ErrBadFrame means a frame's lengths do not add up.
	ErrBadFrame = errors.New("remoting: bad frame")
	// ErrBadHeader means a header could not be decoded.
	ErrBadHeader = errors.New("remoting: bad header")
	// ErrConnClosed means the connection is closed.
	ErrConnClosed = errors.New("remoting: connection closed")
	// ErrServerClosed is returned by Serve after Close.
	ErrServerClosed = errors.New("remoting: server closed")
)

// ResponseError is a response whose code is not Success, as an error.
type ResponseError struct {
	Code   ResponseCode
	Remark string
}

func (e *ResponseError) Error() string {
	return "remoting: response " + e.Code.String() + ": " + e.Remark
}
