package remoting

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestServerClose(t *testing.T) {
	srv, addr := startServer(t, testMux(), ServerOptions{})
	var wg sync.WaitGroup
	clients := make([]*Conn, 3)
	for i := range clients {
		clients[i] = dial(t, addr, nil)
		invoke(t, clients[i], codeEcho, nil) // accepted and registered
		wg.Go(func() {
			_, err := clients[i].Invoke(context.Background(), NewRequest(codeSilent, nil, nil))
			if !errors.Is(err, ErrConnClosed) {
				t.Errorf("pending Invoke: %v, want ErrConnClosed", err)
			}
		})
	}
	time.Sleep(20 * time.Millisecond) // let the calls reach the server
	closed := make(chan error, 1)
	go func() { closed <- srv.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	wg.Wait()
	for i, c := range clients {
		select {
		case <-c.Done():
		case <-time.After(5 * time.Second):
			t.Fatalf("client %d still open after Server.Close", i)
		}
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(ln); !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve after Close: %v, want ErrServerClosed", err)
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("Serve after Close left the listener open")
	}
}

func TestIdleTimeout(t *testing.T) {
	const idle = 100 * time.Millisecond
	_, addr := startServer(t, testMux(), ServerOptions{Conn: ConnOptions{IdleTimeout: idle}})
	t.Run("silent connection is closed", func(t *testing.T) {
		rc, err := dialRaw(addr)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		start := time.Now()
		if err := rc.expectClosed(); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < idle {
			t.Errorf("closed after %v, before the idle timeout", d)
		}
	})
	t.Run("busy connection stays", func(t *testing.T) {
		c := dial(t, addr, nil)
		for range 8 {
			time.Sleep(idle / 3)
			invoke(t, c, codeEcho, nil)
		}
	})
}

func TestMaxPendingWrite(t *testing.T) {
	closed := make(chan struct{})
	_, addr := startServer(t, testMux(), ServerOptions{
		Conn: ConnOptions{MaxPendingWrite: 1 << 20},
		OnConnect: func(c *Conn) {
			// A small kernel buffer, so that the queue fills soon.
			c.nc.(*net.TCPConn).SetWriteBuffer(8 << 10)
		},
		OnClose: func(*Conn) { close(closed) },
	})
	rc, err := dialRaw(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	rc.Conn.(*net.TCPConn).SetReadBuffer(4 << 10)
	// Ask for 64 answers of 256 KiB and read none of them.
	for range 64 {
		if err := rc.send(NewRequest(codeBigBody, nil, nil)); err != nil {
			break // the server gave up on us already
		}
	}
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the server kept a connection that does not read")
	}
}

func TestInvoke(t *testing.T) {
	_, addr := startServer(t, testMux(), ServerOptions{})
	t.Run("round trip", func(t *testing.T) {
		c := dial(t, addr, nil)
		ext := map[string]string{"topic": "T", "properties": "a\x01b\x02"}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		resp, err := c.Invoke(ctx, NewRequest(codeEcho, ext, []byte("payload")))
		if err != nil {
			t.Fatal(err)
		}
		want := &Command{Code: 0, Language: "GO", Version: Version, Flag: FlagResponse, ExtFields: ext, Body: []byte("payload")}
		want.Opaque = resp.Opaque
		if d := diffCommand(resp, want); d != "" {
			t.Fatal(d)
		}
	})
	t.Run("concurrent calls match by opaque", func(t *testing.T) {
		c := dial(t, addr, nil)
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Go(func() {
				key := string(rune('a' + i%26))
				resp, err := c.Invoke(context.Background(), NewRequest(codeEcho, map[string]string{"k": key}, nil))
				if err != nil || resp.Ext("k") != key {
					t.Errorf("call %d: %v %v", i, resp, err)
				}
			})
		}
		wg.Wait()
	})
	t.Run("context timeout", func(t *testing.T) {
		c := dial(t, addr, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.Invoke(ctx, NewRequest(codeSilent, nil, nil))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Invoke returned after %v", d)
		}
		if resp := invoke(t, c, codeEcho, nil); resp.Err() != nil {
			t.Fatal(resp.Err())
		}
	})
	t.Run("peer closes", func(t *testing.T) {
		c := dial(t, addr, nil)
		_, err := c.Invoke(context.Background(), NewRequest(codeHangUp, nil, nil))
		if !errors.Is(err, ErrConnClosed) {
			t.Fatalf("err %v, want ErrConnClosed", err)
		}
		select {
		case <-c.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("Done not closed")
		}
		if _, err := c.Invoke(context.Background(), NewRequest(codeEcho, nil, nil)); !errors.Is(err, ErrConnClosed) {
			t.Fatalf("Invoke on a closed connection: %v, want ErrConnClosed", err)
		}
		if err := c.Send(NewRequest(codeEcho, nil, nil)); !errors.Is(err, ErrConnClosed) {
			t.Fatalf("Send on a closed connection: %v, want ErrConnClosed", err)
		}
	})
	t.Run("local close fails pending calls", func(t *testing.T) {
		c := dial(t, addr, nil)
		time.AfterFunc(50*time.Millisecond, func() { c.Close() })
		if _, err := c.Invoke(context.Background(), NewRequest(codeSilent, nil, nil)); !errors.Is(err, ErrConnClosed) {
			t.Fatalf("err %v, want ErrConnClosed", err)
		}
	})
	t.Run("oneway", func(t *testing.T) {
		c := dial(t, addr, nil)
		req := NewRequest(codeSilent, nil, nil)
		if err := c.InvokeOneway(req); err != nil {
			t.Fatal(err)
		}
		if !req.IsOneway() || req.IsResponse() {
			t.Fatalf("flag %d", req.Flag)
		}
	})
}

// TestServerInvokesClient covers the broker-to-client direction: while
// serving a request, the server asks the client a question over the
// client's own connection (as CHECK_TRANSACTION_STATE does).
func TestServerInvokesClient(t *testing.T) {
	mux := NewMux()
	mux.Handle(HeartBeat, func(c *Conn, req *Command) *Command {
		// Serve runs on the read goroutine, which must stay free to read
		// the client's answer: ask from another goroutine.
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			check := NewRequest(CheckTransactionState, map[string]string{"transactionId": "tx-1"}, nil)
			answer, err := c.Invoke(ctx, check)
			resp := NewResponse(req, Success, "")
			if err != nil {
				resp = Errorf(req, SystemError, "check: %v", err)
			} else {
				resp.SetExt("state", answer.Ext("state"))
				resp.SetExt("code", ResponseCode(answer.Code).String())
			}
			c.Send(resp)
		}()
		return nil
	})
	_, addr := startServer(t, mux, ServerOptions{})

	client := NewMux()
	var asked atomic.Int32
	client.Handle(CheckTransactionState, func(c *Conn, req *Command) *Command {
		asked.Add(1)
		resp := NewResponse(req, Success, "")
		resp.SetExt("state", "COMMIT:"+req.Ext("transactionId"))
		return resp
	})
	c := dial(t, addr, client)
	resp := invoke(t, c, HeartBeat, nil)
	if resp.Err() != nil || resp.Ext("state") != "COMMIT:tx-1" || asked.Load() != 1 {
		t.Fatalf("response %v %v after %d checks", resp, resp.ExtFields, asked.Load())
	}

	t.Run("client without handler", func(t *testing.T) {
		c := dial(t, addr, nil)
		resp := invoke(t, c, HeartBeat, nil)
		if resp.Ext("code") != "REQUEST_CODE_NOT_SUPPORTED" {
			t.Fatalf("response %v %v", resp, resp.ExtFields)
		}
	})
}
