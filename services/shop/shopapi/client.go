// Package shopapi is a small typed HTTP client for the sagashop order,
// inventory and payment services (JSON, snake_case, amounts in cents).
// shopctl's verify and load use it, and so can tests.
package shopapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Options configures a Client.
type Options struct {
	// OrderURL is the order service's base URL, e.g. "http://127.0.0.1:8001".
	OrderURL string
	// InventoryURL is the inventory service's base URL (default port 8002).
	InventoryURL string
	// PaymentURL is the payment service's base URL (default port 8003).
	PaymentURL string
	// HTTP is the client used for every call; nil = NewHTTPClient(64, 10s).
	HTTP *http.Client
}

// Client calls the three services. It is safe for concurrent use.
type Client struct {
	order, inventory, payment string
	hc                        *http.Client
}

// ErrBadURL reports an unusable base URL in Options.
var ErrBadURL = errors.New("shopapi: bad base URL")

// New validates o and returns a Client.
func New(o Options) (*Client, error) {
	c := &Client{hc: o.HTTP}
	if c.hc == nil {
		c.hc = NewHTTPClient(64, 10*time.Second)
	}
	for _, f := range []struct {
		name, in string
		out      *string
	}{{"order", o.OrderURL, &c.order}, {"inventory", o.InventoryURL, &c.inventory}, {"payment", o.PaymentURL, &c.payment}} {
		u, err := url.Parse(f.in)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%w: %s %q", ErrBadURL, f.name, f.in)
		}
		*f.out = strings.TrimRight(f.in, "/")
	}
	return c, nil
}

// NewHTTPClient returns an http.Client whose transport keeps up to
// maxConnsPerHost idle connections per service, so that many concurrent
// callers reuse connections instead of exhausting ephemeral ports.
func NewHTTPClient(maxConnsPerHost int, timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 3 * maxConnsPerHost
	t.MaxIdleConnsPerHost = maxConnsPerHost
	return &http.Client{Transport: t, Timeout: timeout}
}

// CallOption adjusts one request.
type CallOption func(*http.Request)

// IdempotencyKey sets the Idempotency-Key header of a POST.
func IdempotencyKey(key string) CallOption {
	return func(r *http.Request) { r.Header.Set("Idempotency-Key", key) }
}

// maxBody bounds a reply body (a list page of 1000 orders is well below).
const maxBody = 64 << 20

// do sends one request with in (nil = no body) as JSON and decodes a 2xx
// reply into out (nil = discard). A non-2xx reply is returned as *Error.
func (c *Client) do(ctx context.Context, method, base, path string, q url.Values, in, out any, opts ...CallOption) error {
	target := base + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("shopapi: %s %s: encode: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return fmt.Errorf("shopapi: %s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(req)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("shopapi: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("shopapi: %s %s: read reply: %w", method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return decodeError(method, path, resp.StatusCode, b)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("shopapi: %s %s: decode reply: %w", method, path, err)
	}
	return nil
}
