package shopapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Error reasons the services return (kratos errors, error_reason.proto).
const (
	ReasonInvalidArgument = "INVALID_ARGUMENT"
	ReasonMalformedJSON   = "MALFORMED_JSON"
	ReasonUnknownSKU      = "UNKNOWN_SKU"
	ReasonOrderNotFound   = "ORDER_NOT_FOUND"
	ReasonSKUNotFound     = "SKU_NOT_FOUND"
	ReasonWrongAmount     = "WRONG_AMOUNT"
	ReasonOrderNotPayable = "ORDER_NOT_PAYABLE"
	ReasonAlreadyPaid     = "ALREADY_PAID"
	ReasonOrderCancelled  = "ORDER_CANCELLED"
	ReasonConflict        = "CONFLICT"
	ReasonUnavailable     = "UNAVAILABLE"
)

// Error is a non-2xx reply. Code, Reason, Message and Metadata come from the
// kratos error body {"code","reason","message","metadata"}; when the body is
// not that shape, Reason is empty and Message holds the start of the body.
type Error struct {
	Method, Path string // the request, e.g. "POST", "/v1/orders"
	Status       int    // HTTP status code
	Code         int    // kratos code (normally = Status)
	Reason       string
	Message      string
	Metadata     map[string]string
}

// Error formats e as "shopapi: POST /v1/orders: 400 UNKNOWN_SKU: message".
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "shopapi: %s %s: %d", e.Method, e.Path, e.Status)
	if e.Reason != "" {
		b.WriteString(" " + e.Reason)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// ReasonOf returns the reason of the *Error in err's chain, "" if none.
func ReasonOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// StatusOf returns the HTTP status of the *Error in err's chain, 0 if none
// (a transport error, a cancelled context or a body that did not decode).
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// maxErrorBody bounds how much of a non-JSON error body ends up in Message.
const maxErrorBody = 256

// decodeError builds the *Error of a non-2xx reply.
func decodeError(method, path string, status int, body []byte) *Error {
	e := &Error{Method: method, Path: path, Status: status}
	var w struct {
		Code     flexInt           `json:"code"`
		Reason   string            `json:"reason"`
		Message  string            `json:"message"`
		Metadata map[string]string `json:"metadata"`
	}
	if err := json.Unmarshal(body, &w); err == nil && (w.Reason != "" || w.Code != 0) {
		e.Code, e.Reason, e.Message, e.Metadata = int(w.Code), w.Reason, w.Message, w.Metadata
		return e
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > maxErrorBody {
		msg = msg[:maxErrorBody] + "..."
	}
	e.Code, e.Message = status, msg
	return e
}
