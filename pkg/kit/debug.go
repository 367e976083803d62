package kit

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// DebugServer serves Go's profiler (net/http/pprof) under /debug/pprof/ on
// its own listener, apart from the service's API, so that profiles can be
// taken from a running service:
//
//	go tool pprof http://127.0.0.1:6061/debug/pprof/profile?seconds=30
//
// Service mains start one when SAGASHOP_DEBUG_ADDR is set. Bind it to
// loopback: the profiler shows the program's internals to whoever asks.
type DebugServer struct {
	srv  *http.Server
	ln   net.Listener
	done chan error // receives Serve's result once
}

// StartDebugServer listens on addr ("host:port"; port 0 picks a free one)
// and serves in a goroutine that Close stops. A listen error is returned at
// once, so a bad address fails the start of the program.
func StartDebugServer(addr string) (*DebugServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("kit: debug server: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	d := &DebugServer{
		srv:  &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second},
		ln:   ln,
		done: make(chan error, 1),
	}
	go func() { d.done <- d.srv.Serve(ln) }()
	return d, nil
}

// Addr is the address the server listens on.
func (d *DebugServer) Addr() string { return d.ln.Addr().String() }

// Close stops the server, ending profiles in progress, and waits for its
// goroutine.
func (d *DebugServer) Close() error {
	err := d.srv.Close()
	if serveErr := <-d.done; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("kit: debug server: %w", serveErr)
	}
	if err != nil {
		return fmt.Errorf("kit: debug server: %w", err)
	}
	return nil
}

// StartDebugFromEnv starts a DebugServer when SAGASHOP_DEBUG_ADDR (looked up
// with getenv) is set, and returns its Close; otherwise a no-op Close.
func StartDebugFromEnv(getenv func(string) string) (closeFn func() error, err error) {
	addr := getenv("SAGASHOP_DEBUG_ADDR")
	if addr == "" {
		return func() error { return nil }, nil
	}
	d, err := StartDebugServer(addr)
	if err != nil {
		return nil, err
	}
	return d.Close, nil
}
