package idemkey

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/go-kratos/kratos/v2/log"
	khttp "github.com/go-kratos/kratos/v2/transport/http"
	"github.com/redis/go-redis/v9"
)

// claimAttempts bounds the SET NX / GET rounds when the key keeps vanishing
// between the two (expiry or a 5xx release of another request).
const claimAttempts = 3

// Filter returns a kratos HTTP filter for POST requests carrying an
// "Idempotency-Key" header; other requests pass through untouched.
//
//   - first use: SET NX "<prefix>:<key>" {state: pending, body_sha256, path}
//     (PendingTTL), run the handler, then store {state: done, ..., status,
//     content_type, body} (TTL); a response >= 500 deletes the key instead.
//   - same key, same body and path, done: replay the stored status and body
//     with header "Idempotent-Replayed: true".
//   - same key, still pending: 409 IDEMPOTENCY_KEY_IN_USE (Retry-After: 1).
//   - same key, other body or path: 422 IDEMPOTENCY_KEY_REUSED.
//   - Redis unavailable: 503 UNAVAILABLE, the handler does not run.
//
// The body is read fully (413 REQUEST_TOO_LARGE above MaxBodyBytes) and
// restored for the handler. Error replies have the kratos error shape.
func Filter(o Options) khttp.FilterFunc {
	o = o.withDefaults()
	f := &filter{o: o, log: log.NewHelper(log.With(o.Logger, "module", "idemkey"))}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := r.Header.Get(HeaderKey)
			if r.Method != http.MethodPost || key == "" {
				next.ServeHTTP(w, r)
				return
			}
			f.serve(w, r, next, key)
		})
	}
}

type filter struct {
	o   Options
	log *log.Helper
}

func (f *filter) serve(w http.ResponseWriter, r *http.Request, next http.Handler, key string) {
	if !validKey(key) {
		writeError(w, http.StatusBadRequest, ReasonInvalidKey,
			fmt.Sprintf("%s must be 1..%d printable ASCII characters", HeaderKey, MaxKeyLen))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	switch {
	case err != nil:
		writeError(w, http.StatusBadRequest, ReasonBadRequest, "reading the request body failed")
		return
	case len(body) > MaxBodyBytes:
		writeError(w, http.StatusRequestEntityTooLarge, ReasonTooLarge,
			fmt.Sprintf("request body above %d bytes", MaxBodyBytes))
		return
	}
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))

	if f.o.Redis == nil {
		f.log.WithContext(r.Context()).Error("idemkey: no Redis client configured")
		writeError(w, http.StatusServiceUnavailable, ReasonUnavailable, "idempotency store unavailable")
		return
	}
	rkey := f.o.Prefix + ":" + key
	sha, path := digest(body), r.URL.Path
	for range claimAttempts {
		claimed, rec, err := f.claim(r.Context(), rkey, sha, path)
		switch {
		case errors.Is(err, ErrCorruptRecord):
			f.log.WithContext(r.Context()).Errorf("idemkey: key %s: %v", rkey, err)
			writeError(w, http.StatusInternalServerError, ReasonInternal, "unreadable idempotency record")
			return
		case err != nil:
			f.log.WithContext(r.Context()).Warnf("idemkey: key %s: %v", rkey, err)
			writeError(w, http.StatusServiceUnavailable, ReasonUnavailable, "idempotency store unavailable")
			return
		case claimed:
			f.run(w, r, next, rkey, sha, path)
			return
		case rec == nil: // vanished between SET NX and GET: claim again
			continue
		case !rec.sameRequest(sha, path):
			writeError(w, http.StatusUnprocessableEntity, ReasonKeyReused,
				HeaderKey+" was already used for a different request")
			return
		case rec.State == statePending:
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusConflict, ReasonKeyInUse,
				"a request with this "+HeaderKey+" is still being processed")
			return
		default:
			replay(w, *rec)
			return
		}
	}
	w.Header().Set("Retry-After", "1")
	writeError(w, http.StatusConflict, ReasonKeyInUse, "a request with this "+HeaderKey+" is being processed")
}

// claim takes the key for this request, or returns the record holding it
// (nil when the key disappeared in between).
func (f *filter) claim(ctx context.Context, rkey, sha, path string) (claimed bool, rec *record, err error) {
	pending := encodeRecord(record{State: statePending, BodySHA256: sha, Path: path})
	ok, err := f.o.Redis.SetNX(ctx, rkey, pending, f.o.PendingTTL).Result()
	if err != nil {
		return false, nil, fmt.Errorf("SET NX: %w", err)
	}
	if ok {
		return true, nil, nil
	}
	val, err := f.o.Redis.Get(ctx, rkey).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil, nil
	}
	if err != nil {
		return false, nil, fmt.Errorf("GET: %w", err)
	}
	got, err := decodeRecord(val)
	if err != nil {
		return false, nil, err
	}
	return false, &got, nil
}

// run calls the handler holding the claim and then stores or releases it.
// A panic of the handler releases the key and keeps panicking.
func (f *filter) run(w http.ResponseWriter, r *http.Request, next http.Handler, rkey, sha, path string) {
	// Redis calls after the handler must happen even if the client is gone.
	after := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(r.Context()), redisTimeout)
	}
	rw := &recorder{ResponseWriter: w}
	finished := false
	defer func() {
		if !finished {
			ctx, cancel := after()
			defer cancel()
			f.release(ctx, rkey, "handler panicked")
		}
	}()
	next.ServeHTTP(rw, r)
	finished = true

	ctx, cancel := after()
	defer cancel()
	rec := rw.result(sha, path)
	switch {
	case rec.Status >= 500:
		f.release(ctx, rkey, "")
	case rw.overflow:
		f.release(ctx, rkey, "response too large to remember")
	default:
		if err := f.o.Redis.Set(ctx, rkey, encodeRecord(rec), f.o.TTL).Err(); err != nil {
			f.log.WithContext(ctx).Errorf("idemkey: store %s: %v", rkey, err)
			f.release(ctx, rkey, "store failed")
		}
	}
}

// release deletes the key so that the client may retry; why, when not
// empty, is logged.
func (f *filter) release(ctx context.Context, rkey, why string) {
	if why != "" {
		f.log.WithContext(ctx).Warnf("idemkey: releasing %s: %s", rkey, why)
	}
	if err := f.o.Redis.Del(ctx, rkey).Err(); err != nil {
		f.log.WithContext(ctx).Errorf("idemkey: release %s: %v (it expires after PendingTTL)", rkey, err)
	}
}

// validKey accepts 1..MaxKeyLen printable ASCII characters.
func validKey(k string) bool {
	if len(k) == 0 || len(k) > MaxKeyLen {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}
