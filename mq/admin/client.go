package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/sagashop/sagashop/mq/remoting"
)

// Options configure a Client.
type Options struct {
	// Timeout bounds each call whose context has no deadline; default 5s
	// (the Go client's admin timeout).
	Timeout time.Duration
	// Logger receives connection errors; default discards.
	Logger *slog.Logger
}

// Option changes Options.
type Option func(*Options)

// WithTimeout sets Options.Timeout.
func WithTimeout(d time.Duration) Option { return func(o *Options) { o.Timeout = d } }

// WithLogger sets Options.Logger.
func WithLogger(l *slog.Logger) Option { return func(o *Options) { o.Logger = l } }

// DefaultOptions returns the defaults listed on Options.
func DefaultOptions() Options {
	return Options{Timeout: 5 * time.Second, Logger: slog.New(slog.DiscardHandler)}
}

// Client talks to NameServers and brokers. It is safe for concurrent use.
type Client struct {
	namesrvs []string
	opts     Options
	uniq     *uniqKeys

	mu     sync.Mutex // guards conns and closed
	conns  map[string]*remoting.Conn
	closed bool
}

// New returns a Client for the given NameServer addresses ("host:port").
// The list may be empty for a client that only talks to brokers by
// address; calls that need a NameServer then fail with ErrNoNamesrv.
// Nothing is dialled until the first call.
func New(namesrvAddrs []string, opts ...Option) (*Client, error) {
	o := DefaultOptions()
	for _, f := range opts {
		f(&o)
	}
	if o.Timeout <= 0 {
		return nil, fmt.Errorf("admin: timeout %v must be positive", o.Timeout)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	var addrs []string
	for _, a := range namesrvAddrs {
		if a != "" {
			addrs = append(addrs, a)
		}
	}
	return &Client{namesrvs: addrs, opts: o, uniq: newUniqKeys(), conns: map[string]*remoting.Conn{}}, nil
}

// NamesrvAddrs returns the NameServer addresses the client uses.
func (c *Client) NamesrvAddrs() []string { return append([]string(nil), c.namesrvs...) }

// Close closes every connection. Calls after Close fail with ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	conns := c.conns
	c.conns, c.closed = map[string]*remoting.Conn{}, true
	c.mu.Unlock()
	for _, cn := range conns {
		cn.Close()
	}
	for _, cn := range conns {
		cn.Wait()
	}
	return nil
}

// conn returns the cached connection to addr, dialling a new one when
// there is none or the cached one has closed.
func (c *Client) conn(ctx context.Context, addr string) (*remoting.Conn, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	if cn, ok := c.conns[addr]; ok {
		select {
		case <-cn.Done():
			delete(c.conns, addr)
		default:
			c.mu.Unlock()
			return cn, nil
		}
	}
	c.mu.Unlock()
	cn, err := remoting.Dial(ctx, addr, nil, remoting.ConnOptions{IdleTimeout: -1, Logger: c.opts.Logger})
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		cn.Close()
		return nil, ErrClosed
	}
	if old, ok := c.conns[addr]; ok { // another call dialled first
		cn.Close()
		return old, nil
	}
	c.conns[addr] = cn
	return cn, nil
}

// invoke sends req to addr and returns a SUCCESS reply; any other code
// becomes an error wrapping *remoting.ResponseError.
func (c *Client) invoke(ctx context.Context, addr string, req *remoting.Command) (*remoting.Command, error) {
	resp, err := c.call(ctx, addr, req)
	if err != nil {
		return nil, err
	}
	if err := resp.Err(); err != nil {
		return nil, fmt.Errorf("admin: %s to %s: %w", remoting.RequestCode(req.Code), addr, err)
	}
	return resp, nil
}

// call sends req to addr and returns whatever reply comes back.
func (c *Client) call(ctx context.Context, addr string, req *remoting.Command) (*remoting.Command, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.opts.Timeout)
		defer cancel()
	}
	cn, err := c.conn(ctx, addr)
	if err != nil {
		return nil, err
	}
	resp, err := cn.Invoke(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("admin: %s to %s: %w", remoting.RequestCode(req.Code), addr, err)
	}
	return resp, nil
}

// invokeNamesrv sends req to the first NameServer that answers, trying
// the next one on transport errors as the Go client does. A reply with an
// error code is returned as an error without trying further.
func (c *Client) invokeNamesrv(ctx context.Context, code remoting.RequestCode, ext map[string]string) (*remoting.Command, error) {
	if len(c.namesrvs) == 0 {
		return nil, ErrNoNamesrv
	}
	var errs []error
	for _, addr := range c.namesrvs {
		resp, err := c.call(ctx, addr, remoting.NewRequest(code, copyExt(ext), nil))
		if err != nil {
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
			continue
		}
		if err := resp.Err(); err != nil {
			return nil, fmt.Errorf("admin: %s to %s: %w", code, addr, err)
		}
		return resp, nil
	}
	return nil, fmt.Errorf("admin: no NameServer answered %s: %w", code, errors.Join(errs...))
}

func copyExt(ext map[string]string) map[string]string {
	out := make(map[string]string, len(ext))
	for k, v := range ext {
		out[k] = v
	}
	return out
}

// decode unmarshals a reply body into v, accepting the integer map keys
// a Java NameServer or broker writes unquoted.
func decode(resp *remoting.Command, v any) error {
	if len(resp.Body) == 0 {
		return fmt.Errorf("admin: %w: empty reply body", remoting.ErrBadFrame)
	}
	if err := json.Unmarshal(quoteIntKeys(resp.Body), v); err != nil {
		return fmt.Errorf("admin: decode reply body: %w", err)
	}
	return nil
}
