package idemkey

import (
	"bytes"
	"net/http"
)

// recorder passes a response through to the client and keeps a copy of its
// status, Content-Type and body (up to maxStoredResponse bytes).
type recorder struct {
	http.ResponseWriter
	status   int // first final (>= 200) status written; 0 before
	body     bytes.Buffer
	overflow bool // the body exceeded maxStoredResponse
}

// WriteHeader records the first final status and passes it on.
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 && code >= 200 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write copies b and passes it on; a write without WriteHeader means 200.
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if !r.overflow {
		if r.body.Len()+len(b) > maxStoredResponse {
			r.overflow = true
			r.body.Reset()
		} else {
			r.body.Write(b)
		}
	}
	return r.ResponseWriter.Write(b)
}

// Flush passes a flush on when the underlying writer supports it.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// result returns the record of the finished response; status is 200 when the
// handler wrote nothing at all (net/http's behavior).
func (r *recorder) result(bodySHA, path string) record {
	status := r.status
	if status == 0 {
		status = http.StatusOK
	}
	return record{
		State: stateDone, BodySHA256: bodySHA, Path: path, Status: status,
		ContentType: r.Header().Get("Content-Type"), Body: bytes.Clone(r.body.Bytes()),
	}
}
