package remoting

import (
	"errors"
	"net"
	"sync"
	"syscall"
	"time"
)

// ServerOptions tune a Server.
type ServerOptions struct {
	Conn ConnOptions
	// OnConnect is called for each accepted connection before its first
	// request is read, on the accepting goroutine; default none.
	OnConnect func(*Conn)
	// OnClose is called once when a connection closes, on the goroutine
	// that closes it; default none.
	OnClose func(*Conn)
}

// Server accepts connections and serves their requests with one Handler.
type Server struct {
	h    Handler
	opts ServerOptions

	mu     sync.Mutex
	ln     net.Listener
	conns  map[*Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// NewServer returns a server that dispatches requests to h.
func NewServer(h Handler, opts ServerOptions) *Server {
	return &Server{h: h, opts: opts, conns: map[*Conn]struct{}{}}
}

// Serve accepts connections on ln until Close; it returns ErrServerClosed
// after Close and the accept error otherwise.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.ln = ln
	s.mu.Unlock()
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			if isTemporaryAcceptError(err) {
				// Out of file descriptors, or a connection aborted before
				// it was accepted: wait and go on serving the others.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		if tc, ok := nc.(*net.TCPConn); ok {
			tc.SetNoDelay(true)
		}
		s.accept(nc)
	}
}

func isTemporaryAcceptError(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.ENOBUFS) ||
		errors.Is(err, syscall.ENOMEM)
}

// accept registers the connection, so that Close sees it, then calls
// OnConnect outside the lock (it may call back into the server) and only
// then starts reading.
func (s *Server) accept(nc net.Conn) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		nc.Close()
		return
	}
	c := newConn(nc, s.h, s.opts.Conn, s.forget)
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	if s.opts.OnConnect != nil {
		s.opts.OnConnect(c)
	}
	c.start()
	go func() { defer s.wg.Done(); c.Wait() }()
}

func (s *Server) forget(c *Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	if s.opts.OnClose != nil {
		s.opts.OnClose(c)
	}
}

// Addr is the listening address, or nil before Serve.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Close stops accepting, closes every connection and waits for their
// goroutines.
func (s *Server) Close() error {
	s.mu.Lock()
	var err error
	if s.ln != nil && !s.closed {
		err = s.ln.Close()
	}
	s.closed = true
	conns := make([]*Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
	s.wg.Wait()
	return err
}
