package remoting

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// ConnOptions tune one connection.
type ConnOptions struct {
	// MaxFrameSize is the largest frame read; default DefaultMaxFrameSize.
	MaxFrameSize int
	// IdleTimeout closes a connection that received nothing for this long;
	// default 120s (the Go client's own read deadline). Negative: never.
	IdleTimeout time.Duration
	// MaxPendingWrite closes a connection whose peer does not read while
	// this many bytes are queued for it; default 64 MiB.
	MaxPendingWrite int
	// Logger receives connection errors; default discards.
	Logger *slog.Logger
}

func (o ConnOptions) withDefaults() ConnOptions {
	if o.MaxFrameSize <= 0 {
		o.MaxFrameSize = DefaultMaxFrameSize
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = 120 * time.Second
	}
	if o.MaxPendingWrite <= 0 {
		o.MaxPendingWrite = 64 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

var connIDs atomic.Uint64

// lingerTimeout bounds how long a connection closed for a bad frame keeps
// writing its error response and discarding what the peer still sends.
const lingerTimeout = 2 * time.Second

// Conn is one remoting connection. It owns a read goroutine that decodes
// frames, completes Invoke calls and hands requests to the Handler, and a
// write goroutine that writes queued frames in batches.
type Conn struct {
	nc      net.Conn
	id      uint64
	handler Handler
	opts    ConnOptions
	log     *slog.Logger

	wmu        sync.Mutex
	wq         [][]byte // frames to write; guarded by wmu
	wqBytes    int      // bytes in wq; guarded by wmu
	closeAfter bool     // close once the queue is written; guarded by wmu
	wsignal    chan struct{}

	pmu     sync.Mutex
	pending map[int32]chan *Command
	opaque  atomic.Int32

	closeOnce sync.Once
	done      chan struct{}
	onClose   func(*Conn)
	wg        sync.WaitGroup

	// Value is free for the owner of the connection (the broker keeps its
	// client record here). Set it before serving starts or guard it.
	Value atomic.Value
}

// newConn returns a connection that does not read or write until start.
func newConn(nc net.Conn, h Handler, opts ConnOptions, onClose func(*Conn)) *Conn {
	opts = opts.withDefaults()
	return &Conn{
		nc: nc, id: connIDs.Add(1), handler: h, opts: opts,
		log:     opts.Logger.With("remote", nc.RemoteAddr().String()),
		wsignal: make(chan struct{}, 1), pending: map[int32]chan *Command{},
		done: make(chan struct{}), onClose: onClose,
	}
}

// start runs the read and write goroutines; Wait waits for them.
func (c *Conn) start() {
	c.wg.Add(2)
	go func() { defer c.wg.Done(); c.readLoop() }()
	go func() { defer c.wg.Done(); c.writeLoop() }()
}

// ID is unique among the connections of this process.
func (c *Conn) ID() uint64 { return c.id }

// RemoteAddr is the peer's address.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// LocalAddr is this side's address.
func (c *Conn) LocalAddr() net.Addr { return c.nc.LocalAddr() }

// Done is closed when the connection is closed.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Send queues cmd for writing. It does not wait for the write.
func (c *Conn) Send(cmd *Command) error {
	frame, err := AppendFrame(nil, cmd)
	if err != nil {
		return err
	}
	return c.enqueue(frame, false)
}

func (c *Conn) enqueue(frame []byte, closeAfter bool) error {
	return c.enqueueFrame(frame, closeAfter, true)
}

// enqueueFrame queues a frame and, when signal is set, wakes the writer.
func (c *Conn) enqueueFrame(frame []byte, closeAfter, signal bool) error {
	c.wmu.Lock()
	if c.closeAfter || c.isClosed() {
		c.wmu.Unlock()
		return ErrConnClosed
	}
	c.wq = append(c.wq, frame)
	c.wqBytes += len(frame)
	c.closeAfter = closeAfter
	queued := c.wqBytes
	c.wmu.Unlock()
	if queued > c.opts.MaxPendingWrite {
		c.log.Warn("remoting: peer does not read, closing", "queued", queued)
		c.Close()
		return fmt.Errorf("%w: %d bytes queued", ErrConnClosed, queued)
	}
	if signal {
		c.signalWriter()
	}
	return nil
}

func (c *Conn) signalWriter() {
	select {
	case c.wsignal <- struct{}{}:
	default:
	}
}

// Invoke sends a request and waits for its response, ctx's end, or the
// connection's close.
func (c *Conn) Invoke(ctx context.Context, req *Command) (*Command, error) {
	req.Flag &^= FlagResponse | FlagOneway
	req.Opaque = c.opaque.Add(1)
	ch := make(chan *Command, 1)
	c.pmu.Lock()
	c.pending[req.Opaque] = ch
	c.pmu.Unlock()
	defer func() {
		c.pmu.Lock()
		delete(c.pending, req.Opaque)
		c.pmu.Unlock()
	}()
	if err := c.Send(req); err != nil {
		return nil, err
	}
	select {
	case resp := <-ch:
		return resp, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("remoting: %s to %s: %w", RequestCode(req.Code), c.RemoteAddr(), ctx.Err())
	case <-c.done:
		select {
		case resp := <-ch: // it came in just before the close
			return resp, nil
		default:
			return nil, ErrConnClosed
		}
	}
}

// InvokeOneway sends a request marked oneway; no response is expected.
func (c *Conn) InvokeOneway(req *Command) error {
	req.Flag = req.Flag&^FlagResponse | FlagOneway
	req.Opaque = c.opaque.Add(1)
	return c.Send(req)
}

// Close closes the connection at once and fails pending calls.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		close(c.done)
		c.nc.Close()
		if c.onClose != nil {
			c.onClose(c)
		}
	})
	return nil
}

// Wait blocks until both goroutines of the connection have ended.
func (c *Conn) Wait() { c.wg.Wait() }

func (c *Conn) isClosed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// failAndClose answers a request the reader could not serve. The writer
// half-closes the connection once that answer is written; meanwhile the
// reader discards what the peer still sends, so that closing with unread
// data does not reset the connection before the peer reads the answer.
// Both are bounded by lingerTimeout. The caller closes the connection
// when failAndClose returns.
func (c *Conn) failAndClose(r *bufio.Reader, req *Command, code ResponseCode, remark string) {
	if req == nil || req.IsResponse() {
		return
	}
	frame, err := AppendFrame(nil, NewResponse(req, code, remark))
	if err != nil {
		return
	}
	deadline := time.Now().Add(lingerTimeout)
	c.nc.SetWriteDeadline(deadline)
	if c.enqueue(frame, true) != nil {
		return
	}
	c.nc.SetReadDeadline(deadline)
	io.Copy(io.Discard, r)
}

func (c *Conn) readLoop() {
	defer c.Close()
	r := bufio.NewReaderSize(c.nc, 64<<10)
	held := false // responses queued without waking the writer
	for {
		// Replies to pipelined requests are written together: the writer
		// is woken only once no further whole frame is buffered.
		if held && !frameBuffered(r) {
			c.signalWriter()
			held = false
		}
		if c.opts.IdleTimeout > 0 {
			c.nc.SetReadDeadline(time.Now().Add(c.opts.IdleTimeout))
		}
		cmd, err := ReadFrame(r, c.opts.MaxFrameSize)
		if err != nil {
			var fe *FrameError
			switch {
			case errors.As(err, &fe):
				c.log.Warn("remoting: bad frame, closing connection", "err", err)
				c.failAndClose(r, fe.Header, SystemError, err.Error())
			case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
			default:
				c.log.Debug("remoting: read failed", "err", err)
			}
			return
		}
		if cmd.IsResponse() {
			c.pmu.Lock()
			ch := c.pending[cmd.Opaque]
			c.pmu.Unlock()
			if ch != nil {
				select {
				case ch <- cmd:
				default: // a duplicate response; the first one won
				}
			}
			continue
		}
		if resp := c.serve(cmd); resp != nil {
			frame, err := AppendFrame(nil, resp)
			if err != nil {
				c.log.Error("remoting: encode response", "code", resp.Code, "err", err)
				continue
			}
			if err := c.enqueueFrame(frame, false, false); err != nil {
				return
			}
			held = true
		}
	}
}

// frameBuffered reports whether r holds a whole frame already, so reading
// it will not block.
func frameBuffered(r *bufio.Reader) bool {
	n := r.Buffered()
	if n < 4 {
		return false
	}
	b, err := r.Peek(4)
	if err != nil {
		return false
	}
	return n-4 >= int(int32(binary.BigEndian.Uint32(b)))
}

// serve runs the handler, turning a panic into a SYSTEM_ERROR so one bad
// request cannot take the process down.
func (c *Conn) serve(req *Command) (resp *Command) {
	if c.handler == nil {
		return Errorf(req, RequestCodeNotSupported, " request type %d not supported", req.Code)
	}
	defer func() {
		if p := recover(); p != nil {
			c.log.Error("remoting: handler panic", "code", RequestCode(req.Code).String(), "panic", p)
			resp = Errorf(req, SystemError, "internal error serving %s", RequestCode(req.Code))
		}
	}()
	return c.handler.Serve(c, req)
}

// writeLoop writes queued frames, everything queued at once in one
// writev. The queue and the batch being written swap slices, so steady
// state does not allocate.
func (c *Conn) writeLoop() {
	var batch [][]byte
	var bufs net.Buffers // consumed by WriteTo; batch keeps the frames
	for {
		select {
		case <-c.wsignal:
		case <-c.done:
			return
		}
		c.wmu.Lock()
		few := len(c.wq) < 4
		c.wmu.Unlock()
		if few {
			// Let other goroutines that are about to send join this
			// write: one writev for several frames instead of one each.
			runtime.Gosched()
		}
		c.wmu.Lock()
		batch, c.wq = c.wq, batch[:0]
		c.wqBytes = 0
		closeAfter := c.closeAfter
		c.wmu.Unlock()
		if len(batch) > 0 {
			bufs = batch
			_, err := bufs.WriteTo(c.nc)
			clear(batch) // let the frames go
			if err != nil {
				c.log.Debug("remoting: write failed", "err", err)
				c.Close()
				return
			}
		}
		if closeAfter {
			if cw, ok := c.nc.(interface{ CloseWrite() error }); ok && cw.CloseWrite() == nil {
				return // the reader closes once the peer has seen the end
			}
			c.Close()
			return
		}
	}
}
