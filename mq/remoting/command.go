package remoting

import (
	"fmt"
	"strconv"
)

// SerializeType is how a command's header is encoded.
type SerializeType byte

// Header serializations.
const (
	JSON     SerializeType = 0
	RocketMQ SerializeType = 1
)

// Flag bits of a command.
const (
	FlagResponse int32 = 1 << 0
	FlagOneway   int32 = 1 << 1
)

// Version is the protocol version the broker writes (Java V4_9_7).
const Version int16 = 407

// Command is one RemotingCommand: a request or a response.
type Command struct {
	Code      int16
	Language  string
	Version   int16
	Opaque    int32
	Flag      int32
	Remark    string
	ExtFields map[string]string
	Body      []byte
	// Serialize is the header encoding; replies mirror the request's.
	Serialize SerializeType
}

// NewRequest returns a request with the given code, ext fields and body.
func NewRequest(code RequestCode, ext map[string]string, body []byte) *Command {
	if ext == nil {
		ext = map[string]string{}
	}
	return &Command{Code: int16(code), Language: "GO", Version: Version, ExtFields: ext, Body: body}
}

// NewResponse returns a response to req with code and remark.
func NewResponse(req *Command, code ResponseCode, remark string) *Command {
	return &Command{
		Code: int16(code), Language: "GO", Version: Version, Opaque: req.Opaque,
		Flag: FlagResponse, Remark: remark, ExtFields: map[string]string{}, Serialize: req.Serialize,
	}
}

// Errorf returns an error response to req with a formatted remark.
func Errorf(req *Command, code ResponseCode, format string, args ...any) *Command {
	return NewResponse(req, code, fmt.Sprintf(format, args...))
}

// IsResponse reports whether c is a response.
func (c *Command) IsResponse() bool { return c.Flag&FlagResponse != 0 }

// IsOneway reports whether c carries the oneway bit. The Go client never
// sets it, so handlers must not rely on it.
func (c *Command) IsOneway() bool { return c.Flag&FlagOneway != 0 }

// Ext returns an ext field ("" when absent).
func (c *Command) Ext(key string) string { return c.ExtFields[key] }

// SetExt sets an ext field, creating the map when needed.
func (c *Command) SetExt(key, value string) {
	if c.ExtFields == nil {
		c.ExtFields = map[string]string{}
	}
	c.ExtFields[key] = value
}

// Err returns a *ResponseError when c is a response with a code other than
// Success, and nil otherwise.
func (c *Command) Err() error {
	if ResponseCode(c.Code) == Success {
		return nil
	}
	return &ResponseError{Code: ResponseCode(c.Code), Remark: c.Remark}
}

// String summarises c for logs.
func (c *Command) String() string {
	kind, code := "request", RequestCode(c.Code).String()
	if c.IsResponse() {
		kind, code = "response", ResponseCode(c.Code).String()
	}
	return kind + " " + code + " opaque=" + strconv.Itoa(int(c.Opaque)) + " body=" + strconv.Itoa(len(c.Body))
}
