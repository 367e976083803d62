package kit

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestDebugServerServesPprof(t *testing.T) {
	d, err := StartDebugServer("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + d.Addr() + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine profile:") {
		t.Fatalf("status %d, body %.200q", resp.StatusCode, body)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := http.Get("http://" + d.Addr() + "/debug/pprof/"); err == nil {
		t.Fatal("server still answers after Close")
	}
}

func TestDebugServerBadAddress(t *testing.T) {
	if _, err := StartDebugServer("127.0.0.1:notaport"); err == nil {
		t.Fatal("want a listen error")
	}
}

func TestStartDebugFromEnv(t *testing.T) {
	closeFn, err := StartDebugFromEnv(func(string) string { return "" })
	if err != nil || closeFn() != nil {
		t.Fatalf("unset: err %v", err)
	}
	if _, err := StartDebugFromEnv(func(string) string { return "256.0.0.1:1" }); err == nil {
		t.Fatal("want an error for a bad address")
	}
	closeFn, err = StartDebugFromEnv(func(string) string { return "127.0.0.1:0" })
	if err != nil {
		t.Fatal(err)
	}
	if err := closeFn(); err != nil {
		t.Fatal(err)
	}
}
