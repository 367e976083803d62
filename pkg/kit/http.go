package kit

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"github.com/go-kratos/kratos/v2/middleware"
	"github.com/go-kratos/kratos/v2/middleware/recovery"
	khttp "github.com/go-kratos/kratos/v2/transport/http"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	kerrors "github.com/go-kratos/kratos/v2/errors"
)

// MaxBodyBytes is the largest request body the API reads; a larger one is
// refused with 413 before anything runs.
const MaxBodyBytes = 1 << 20

// Reasons of the errors kit itself returns.
const (
	ReasonMalformedJSON   = "MALFORMED_JSON"
	ReasonInvalidArgument = "INVALID_ARGUMENT"
	ReasonBodyTooLarge    = "BODY_TOO_LARGE"
)

// HTTPOptions configures NewHTTPServer.
type HTTPOptions struct {
	Addr    string             // listen address, e.g. ":8001"; required
	Timeout time.Duration      // per-request timeout; 0 means 5s
	Logger  log.Logger         // request log and recovered panics; nil means none
	Filters []khttp.FilterFunc // plain net/http filters run before routing, e.g. idempotency keys
}

// NewHTTPServer builds a kratos HTTP server with recovery and logging
// middleware, the package's JSON encoders, and GET /healthz.
func NewHTTPServer(o HTTPOptions) *khttp.Server {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	mw := []middleware.Middleware{recovery.Recovery()}
	if o.Logger != nil {
		mw = append(mw, accessLog(o.Logger))
	}
	srv := khttp.NewServer(
		khttp.NotFoundHandler(http.HandlerFunc(notFound)),
		khttp.MethodNotAllowedHandler(http.HandlerFunc(methodNotAllowed)),
		khttp.Address(o.Addr),
		khttp.Timeout(o.Timeout),
		khttp.Middleware(mw...),
		khttp.Filter(o.Filters...),
		khttp.RequestDecoder(RequestDecoder),
		khttp.RequestQueryDecoder(queryDecoder(khttp.DefaultRequestQuery)),
		khttp.RequestVarsDecoder(queryDecoder(khttp.DefaultRequestVars)),
		khttp.ResponseEncoder(ResponseEncoder),
		khttp.ErrorEncoder(ErrorEncoder),
	)
	srv.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	})
	return srv
}

// RequestDecoder decodes a JSON body into v with protojson; unknown fields
// and malformed JSON are 400 MALFORMED_JSON, a body over MaxBodyBytes 413.
// An empty body leaves v as it is (path and query fields still apply).
func RequestDecoder(r *http.Request, v any) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return kerrors.BadRequest(ReasonMalformedJSON, fmt.Sprintf("reading the body: %v", err))
	}
	if len(data) > MaxBodyBytes {
		return kerrors.New(http.StatusRequestEntityTooLarge, ReasonBodyTooLarge,
			fmt.Sprintf("the body is larger than %d bytes", MaxBodyBytes))
	}
	if len(data) == 0 {
		return nil
	}
	m, ok := v.(proto.Message)
	if !ok {
		if err := json.Unmarshal(data, v); err != nil {
			return kerrors.BadRequest(ReasonMalformedJSON, err.Error())
		}
		return nil
	}
	if err := protojson.Unmarshal(data, m); err != nil {
		return kerrors.BadRequest(ReasonMalformedJSON, err.Error())
	}
	return nil
}

// queryDecoder turns kratos' binding errors (a page_size of "abc") into
// 400 INVALID_ARGUMENT with the binding's own message.
func queryDecoder(dec khttp.DecodeRequestFunc) khttp.DecodeRequestFunc {
	return func(r *http.Request, v any) error {
		if err := dec(r, v); err != nil {
			return kerrors.BadRequest(ReasonInvalidArgument, kerrors.FromError(err).Message)
		}
		return nil
	}
}

// Reasons of the router's own refusals.
const (
	ReasonNotFound         = "NOT_FOUND"
	ReasonMethodNotAllowed = "METHOD_NOT_ALLOWED"
)

// notFound answers a path no route serves, in the API's error shape.
func notFound(w http.ResponseWriter, r *http.Request) {
	ErrorEncoder(w, r, kerrors.NotFound(ReasonNotFound, "no route for "+r.URL.Path))
}

// methodNotAllowed answers a known path asked with the wrong method.
func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	ErrorEncoder(w, r, kerrors.New(http.StatusMethodNotAllowed, ReasonMethodNotAllowed,
		r.Method+" is not allowed on "+r.URL.Path))
}

// ResponseEncoder writes v as JSON with MarshalJSON (proto messages) or
// encoding/json (anything else).
func ResponseEncoder(w http.ResponseWriter, r *http.Request, v any) error {
	if v == nil {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	var (
		body []byte
		err  error
	)
	if m, ok := v.(proto.Message); ok {
		body, err = MarshalJSON(m)
	} else {
		body, err = json.Marshal(v)
	}
	if err != nil {
		return fmt.Errorf("kit: encoding %T: %w", v, err)
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(body)
	return err
}

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Code     int32             `json:"code"`
	Reason   string            `json:"reason"`
	Message  string            `json:"message"`
	Metadata map[string]string `json:"metadata"`
}

// ErrorEncoder writes err as a kratos error body with its HTTP status. An
// error that is not a kratos error is a 500 with reason "" (kratos'
// UnknownReason) and its text.
func ErrorEncoder(w http.ResponseWriter, r *http.Request, err error) {
	se := kerrors.FromError(err)
	md := se.Metadata
	if md == nil {
		md = map[string]string{}
	}
	body, _ := json.Marshal(errorBody{Code: se.Code, Reason: se.Reason, Message: se.Message, Metadata: md})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(int(se.Code))
	_, _ = w.Write(body)
}
