package remoting

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	codeEcho    RequestCode = 1001 // answers SUCCESS with the request's ext and body
	codePanic   RequestCode = 1002 // panics
	codeSilent  RequestCode = 1003 // never answers
	codeHangUp  RequestCode = 1004 // closes the connection
	codeBigBody RequestCode = 1005 // answers with a 256 KiB body
)

// testMux serves the test codes.
func testMux() *Mux {
	m := NewMux()
	m.Handle(codeEcho, func(c *Conn, req *Command) *Command {
		resp := NewResponse(req, Success, "")
		resp.ExtFields = req.ExtFields
		resp.Body = req.Body
		return resp
	})
	m.Handle(codePanic, func(c *Conn, req *Command) *Command { panic("handler bug") })
	m.Handle(codeSilent, func(c *Conn, req *Command) *Command { return nil })
	m.Handle(codeHangUp, func(c *Conn, req *Command) *Command { c.Close(); return nil })
	bigBody := make([]byte, 256<<10)
	m.Handle(codeBigBody, func(c *Conn, req *Command) *Command {
		resp := NewResponse(req, Success, "")
		resp.Body = bigBody
		return resp
	})
	return m
}

// startServer serves h on a loopback port until the test ends.
func startServer(t *testing.T, h Handler, opts ServerOptions) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(h, opts)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-served; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return srv, ln.Addr().String()
}

// dial connects a client whose requests from the server go to h.
func dial(t *testing.T, addr string, h Handler) *Conn {
	t.Helper()
	c, err := Dial(context.Background(), addr, h, ConnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); c.Wait() })
	return c
}

func invoke(t *testing.T, c *Conn, code RequestCode, ext map[string]string) *Command {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := c.Invoke(ctx, NewRequest(code, ext, nil))
	if err != nil {
		t.Fatalf("Invoke %s: %v", code, err)
	}
	return resp
}

// rawConn is a client that writes whatever bytes a test wants. Its
// methods return errors rather than fail the test, so that they can run
// on any goroutine.
type rawConn struct {
	net.Conn
	r *bufio.Reader
}

func dialRaw(addr string) (*rawConn, error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &rawConn{Conn: nc, r: bufio.NewReader(nc)}, nil
}

func (rc *rawConn) write(b []byte) error {
	rc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, err := rc.Write(b)
	return err
}

func (rc *rawConn) send(c *Command) error {
	frame, err := AppendFrame(nil, c)
	if err != nil {
		return err
	}
	return rc.write(frame)
}

var errNoFrame = errors.New("no frame and no close within 5s")

// next reads the next frame, giving up after 5 s.
func (rc *rawConn) next() (*Command, error) {
	rc.SetReadDeadline(time.Now().Add(5 * time.Second))
	c, err := ReadFrame(rc.r, DefaultMaxFrameSize)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return nil, errNoFrame
	}
	return c, err
}

// expectClosed checks that the server closes the connection (EOF or a
// reset) before sending another frame.
func (rc *rawConn) expectClosed() error {
	c, err := rc.next()
	switch {
	case err == nil:
		return fmt.Errorf("got %v, want the connection closed", c)
	case errors.Is(err, errNoFrame):
		return err
	}
	return nil
}

func TestMuxUnknownCode(t *testing.T) {
	_, addr := startServer(t, testMux(), ServerOptions{})
	c := dial(t, addr, nil)
	for i := range 3 { // the connection stays usable
		resp := invoke(t, c, 999, nil)
		if ResponseCode(resp.Code) != RequestCodeNotSupported || !resp.IsResponse() {
			t.Fatalf("round %d: response %v, want REQUEST_CODE_NOT_SUPPORTED", i, resp)
		}
		if !strings.Contains(resp.Remark, "999") {
			t.Errorf("remark %q does not name the code", resp.Remark)
		}
		var re *ResponseError
		if !errors.As(resp.Err(), &re) || re.Code != RequestCodeNotSupported {
			t.Errorf("Err() = %v", resp.Err())
		}
		resp = invoke(t, c, codeEcho, map[string]string{"i": "x"})
		if resp.Err() != nil || resp.Ext("i") != "x" {
			t.Fatalf("echo after an unknown code: %v %v", resp, resp.ExtFields)
		}
	}
}

func TestHandlerPanic(t *testing.T) {
	_, addr := startServer(t, testMux(), ServerOptions{})
	c := dial(t, addr, nil)
	for range 3 {
		resp := invoke(t, c, codePanic, nil)
		if ResponseCode(resp.Code) != SystemError {
			t.Fatalf("response %v, want SYSTEM_ERROR", resp)
		}
		if resp := invoke(t, c, codeEcho, nil); resp.Err() != nil {
			t.Fatalf("echo after a panic: %v", resp.Err())
		}
	}
	if resp := invoke(t, dial(t, addr, nil), codeEcho, nil); resp.Err() != nil {
		t.Fatalf("a new connection after panics: %v", resp.Err())
	}
}

// misbehaviours are the things a bad client does to a server whose
// MaxFrameSize is 1024; each checks what the bad client sees.
var misbehaviours = []struct {
	name string
	run  func(rc *rawConn) error
}{
	{"oversized frame", func(rc *rawConn) error {
		req := NewRequest(codeEcho, map[string]string{"k": "v"}, nil)
		req.Opaque = 4242
		frame, _ := AppendFrame(nil, req)
		frame = append(frame, make([]byte, 5000)...) // the body it announces
		binary.BigEndian.PutUint32(frame, uint32(len(frame)-4))
		if err := rc.write(frame); err != nil {
			return err
		}
		resp, err := rc.next()
		if err != nil {
			return fmt.Errorf("no response to an oversized frame: %w", err)
		}
		if ResponseCode(resp.Code) != SystemError || resp.Opaque != 4242 || !resp.IsResponse() {
			return fmt.Errorf("response %v, want SYSTEM_ERROR for opaque 4242", resp)
		}
		if !strings.Contains(resp.Remark, "limit 1024") {
			return fmt.Errorf("remark %q does not mention the limit", resp.Remark)
		}
		return rc.expectClosed()
	}},
	{"oversized frame, header past the limit", func(rc *rawConn) error {
		if err := rc.write(frameBytes(1<<20, 0, 2000, make([]byte, 2000))); err != nil {
			return err
		}
		return rc.expectClosed()
	}},
	{"malformed header", func(rc *rawConn) error {
		if err := rc.write(frameBytes(12, 0, 8, []byte(`{"code":`))); err != nil {
			return err
		}
		return rc.expectClosed()
	}},
	{"unknown serialize type", func(rc *rawConn) error {
		if err := rc.write(frameBytes(6, 9, 2, []byte(`{}`))); err != nil {
			return err
		}
		return rc.expectClosed()
	}},
	{"negative length", func(rc *rawConn) error {
		if err := rc.write([]byte{0xff, 0xff, 0xff, 0xf0}); err != nil {
			return err
		}
		return rc.expectClosed()
	}},
	{"truncated frame then close", func(rc *rawConn) error {
		frame, _ := AppendFrame(nil, NewRequest(codeEcho, nil, []byte("body")))
		if err := rc.write(frame[:len(frame)-2]); err != nil {
			return err
		}
		rc.Conn.(*net.TCPConn).CloseWrite()
		return rc.expectClosed()
	}},
	{"handler panic", func(rc *rawConn) error {
		if err := rc.send(NewRequest(codePanic, nil, nil)); err != nil {
			return err
		}
		if resp, err := rc.next(); err != nil || ResponseCode(resp.Code) != SystemError {
			return fmt.Errorf("got %v, %v; want SYSTEM_ERROR", resp, err)
		}
		return nil
	}},
	{"stalled partial frame", func(rc *rawConn) error {
		err := rc.write(frameBytes(1000, 0, 10, []byte(`{"co`)))
		time.Sleep(50 * time.Millisecond)
		return err
	}},
}

func TestBadFrames(t *testing.T) {
	for _, m := range misbehaviours {
		t.Run(m.name, func(t *testing.T) {
			var closed atomic.Int32
			srv, addr := startServer(t, testMux(), ServerOptions{
				Conn:    ConnOptions{MaxFrameSize: 1024},
				OnClose: func(*Conn) { closed.Add(1) },
			})
			rc, err := dialRaw(addr)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			if err := m.run(rc); err != nil {
				t.Fatal(err)
			}
			// The server keeps serving.
			if resp := invoke(t, dial(t, addr, nil), codeEcho, nil); resp.Err() != nil {
				t.Fatal(resp.Err())
			}
			srv.Close()
			if n := closed.Load(); n != 2 {
				t.Errorf("OnClose ran %d times for 2 connections", n)
			}
		})
	}
}

// TestBadClientsDoNotHarmOthers runs every misbehaviour over and over
// while a good client keeps invoking; every good call must succeed.
func TestBadClientsDoNotHarmOthers(t *testing.T) {
	_, addr := startServer(t, testMux(), ServerOptions{Conn: ConnOptions{MaxFrameSize: 1024}})
	good := dial(t, addr, nil)
	ctx, stop := context.WithTimeout(context.Background(), 800*time.Millisecond)
	defer stop()
	var wg sync.WaitGroup
	for _, m := range misbehaviours {
		wg.Go(func() {
			for ctx.Err() == nil {
				rc, err := dialRaw(addr)
				if err != nil {
					t.Error(err)
					return
				}
				if err := m.run(rc); err != nil {
					t.Errorf("%s: %v", m.name, err)
				}
				rc.Close()
			}
		})
	}
	// And one that never reads the big answers it asks for.
	wg.Go(func() {
		rc, err := dialRaw(addr)
		if err != nil {
			t.Error(err)
			return
		}
		defer rc.Close()
		for ctx.Err() == nil {
			rc.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
			frame, _ := AppendFrame(nil, NewRequest(codeBigBody, nil, nil))
			if _, err := rc.Write(frame); err != nil {
				return
			}
		}
	})
	calls := 0
	for ; ctx.Err() == nil; calls++ {
		callCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		resp, err := good.Invoke(callCtx, NewRequest(codeEcho, map[string]string{"n": "1"}, []byte("body")))
		cancel()
		if err != nil || resp.Err() != nil || string(resp.Body) != "body" {
			t.Fatalf("good call %d failed: %v %v", calls, resp, err)
		}
	}
	wg.Wait()
	if calls < 10 {
		t.Errorf("only %d good calls went through", calls)
	}
}

func TestServerCallbacks(t *testing.T) {
	var mu sync.Mutex
	connects, closes := map[uint64]int{}, map[uint64]int{}
	closed := make(chan struct{}, 10)
	mux := testMux()
	mux.Handle(codeEcho, func(c *Conn, req *Command) *Command {
		resp := NewResponse(req, Success, "")
		if v, _ := c.Value.Load().(string); v != "" {
			resp.SetExt("value", v)
		}
		return resp
	})
	waitClosed := func(what string) {
		t.Helper()
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			t.Fatalf("no OnClose after %s", what)
		}
	}
	srv, addr := startServer(t, mux, ServerOptions{
		OnConnect: func(c *Conn) {
			mu.Lock()
			connects[c.ID()]++
			mu.Unlock()
			time.Sleep(20 * time.Millisecond) // a request must wait for this
			c.Value.Store("set by OnConnect")
		},
		OnClose: func(c *Conn) {
			mu.Lock()
			closes[c.ID()]++
			mu.Unlock()
			closed <- struct{}{}
		},
	})
	clients := make([]*Conn, 3)
	for i := range clients {
		clients[i] = dial(t, addr, nil)
		// OnConnect ran before the first request was read.
		if v := invoke(t, clients[i], codeEcho, nil).Ext("value"); v != "set by OnConnect" {
			t.Fatalf("value %q", v)
		}
	}
	clients[0].Close()
	waitClosed("the client closed")
	clients[1].Invoke(context.Background(), NewRequest(codeHangUp, nil, nil))
	waitClosed("the server closed")
	srv.Close()
	waitClosed("Server.Close")
	mu.Lock()
	defer mu.Unlock()
	if len(connects) != 3 || len(closes) != 3 {
		t.Fatalf("OnConnect for %d connections, OnClose for %d, want 3 each", len(connects), len(closes))
	}
	for id, n := range connects {
		if n != 1 || closes[id] != 1 {
			t.Errorf("connection %d: OnConnect %d times, OnClose %d times", id, n, closes[id])
		}
	}
}
