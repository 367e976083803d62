package kit

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	kerrors "github.com/go-kratos/kratos/v2/errors"
	"github.com/go-kratos/kratos/v2/log"
)

func TestHTTPServerRoutes(t *testing.T) {
	srv := NewHTTPServer(HTTPOptions{Addr: "127.0.0.1:0"})
	srv.HandleFunc("/v1/only-get", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			methodNotAllowed(w, r)
			return
		}
		_, _ = io.WriteString(w, "ok")
	})
	u, err := srv.Endpoint() // listens
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Start(context.Background()) }()
	t.Cleanup(func() { _ = srv.Stop(context.Background()) })
	base := "http://" + u.Host
	tests := []struct {
		name, method, path string
		code               int
		body               string
	}{
		{"healthz", http.MethodGet, "/healthz", 200, `{"status":"ok"}`},
		{"unknown path", http.MethodGet, "/nope", 404, `{"code":404,"reason":"NOT_FOUND","message":"no route for /nope","metadata":{}}`},
		{"wrong method", http.MethodPost, "/v1/only-get", 405, `{"code":405,"reason":"METHOD_NOT_ALLOWED","message":"POST is not allowed on /v1/only-get","metadata":{}}`},
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, base+tc.path, strings.NewReader(""))
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.code || string(body) != tc.body {
				t.Fatalf("got %d %s, want %d %s", resp.StatusCode, body, tc.code, tc.body)
			}
		})
	}
}

func TestAccessLogLevels(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want log.Level
	}{
		{"success", nil, log.LevelInfo},
		{"refused", kerrors.BadRequest("UNKNOWN_SKU", "x"), log.LevelWarn},
		{"failed", kerrors.InternalServer("DB", "down"), log.LevelError},
		{"plain error", io.ErrUnexpectedEOF, log.LevelError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []log.Level
			l := levelLogger(func(lv log.Level) { got = append(got, lv) })
			h := accessLog(l)(func(context.Context, any) (any, error) { return nil, tc.err })
			if _, err := h(context.Background(), nil); err != tc.err {
				t.Fatalf("error changed: %v", err)
			}
			if len(got) != 1 || got[0] != tc.want {
				t.Fatalf("levels %v, want [%v]", got, tc.want)
			}
		})
	}
}

// levelLogger records the level of every line.
type levelLogger func(log.Level)

func (f levelLogger) Log(level log.Level, _ ...any) error { f(level); return nil }
