package idemkey

import (
	"encoding/json"
	"net/http"
)

// Reasons of the filter's error replies.
const (
	ReasonKeyInUse    = "IDEMPOTENCY_KEY_IN_USE"  // 409: the first request with the key is still running
	ReasonKeyReused   = "IDEMPOTENCY_KEY_REUSED"  // 422: the key was used with another body or path
	ReasonInvalidKey  = "INVALID_IDEMPOTENCY_KEY" // 400: key too long or not printable ASCII
	ReasonTooLarge    = "REQUEST_TOO_LARGE"       // 413: body above MaxBodyBytes
	ReasonBadRequest  = "MALFORMED_REQUEST"       // 400: the body could not be read
	ReasonUnavailable = "UNAVAILABLE"             // 503: Redis did not answer; the handler did not run
	ReasonInternal    = "INTERNAL"                // 500: unreadable record in Redis
)

// errorBody is the kratos error shape (what kit.ErrorEncoder writes).
type errorBody struct {
	Code     int               `json:"code"`
	Reason   string            `json:"reason"`
	Message  string            `json:"message"`
	Metadata map[string]string `json:"metadata"`
}

// writeError replies with a kratos-shaped JSON error.
func writeError(w http.ResponseWriter, code int, reason, message string) {
	b, _ := json.Marshal(errorBody{Code: code, Reason: reason, Message: message, Metadata: map[string]string{}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// replay writes a remembered response.
func replay(w http.ResponseWriter, rec record) {
	if rec.ContentType != "" {
		w.Header().Set("Content-Type", rec.ContentType)
	}
	w.Header().Set(HeaderReplayed, "true")
	w.WriteHeader(rec.Status)
	_, _ = w.Write(rec.Body)
}
