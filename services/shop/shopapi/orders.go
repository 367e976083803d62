package shopapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// OrderPage is one page of ListOrders.
type OrderPage struct {
	Orders        []Order `json:"orders"`
	NextPageToken string  `json:"next_page_token"`
}

// CreateOrder places an order: POST /v1/orders. The reply is the order in
// status CREATED.
func (c *Client) CreateOrder(ctx context.Context, req CreateOrderRequest, opts ...CallOption) (*Order, error) {
	var o Order
	if err := c.do(ctx, http.MethodPost, c.order, "/v1/orders", nil, req, &o, opts...); err != nil {
		return nil, err
	}
	return &o, nil
}

// GetOrder reads one order: GET /v1/orders/{order_sn}.
func (c *Client) GetOrder(ctx context.Context, orderSN string) (*Order, error) {
	var o Order
	if err := c.do(ctx, http.MethodGet, c.order, "/v1/orders/"+url.PathEscape(orderSN), nil, nil, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// MaxWait is the longest wait of WaitOrder (the order service's bound on
// wait_ms).
const MaxWait = 30 * time.Second

// WaitOrder is a blocking read of one order: GET
// /v1/orders/{order_sn}?min_version=N&wait_ms=M. The service answers as
// soon as the order's version is at least minVersion (usually the last
// version seen plus 1), or after wait (whole milliseconds, at most MaxWait)
// with the order as it is then: compare Version. With minVersion or wait
// at 0 (a wait under a millisecond is 0) the service answers at once, like
// GetOrder. The HTTP client's timeout must be longer than wait.
func (c *Client) WaitOrder(ctx context.Context, orderSN string, minVersion int64, wait time.Duration) (*Order, error) {
	q := url.Values{}
	if minVersion != 0 {
		q.Set("min_version", strconv.FormatInt(minVersion, 10))
	}
	if ms := wait.Milliseconds(); ms != 0 {
		q.Set("wait_ms", strconv.FormatInt(ms, 10))
	}
	var o Order
	if err := c.do(ctx, http.MethodGet, c.order, "/v1/orders/"+url.PathEscape(orderSN), q, nil, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// ListOrders reads one page of orders, all statuses when status is "".
func (c *Client) ListOrders(ctx context.Context, status string, p PageRequest) (*OrderPage, error) {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	var page OrderPage
	if err := c.do(ctx, http.MethodGet, c.order, "/v1/orders", pageQuery(q, p), nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// AllOrders reads every page of ListOrders.
func (c *Client) AllOrders(ctx context.Context, status string, pageSize int) ([]Order, error) {
	return collect(ctx, pageSize, func(ctx context.Context, p PageRequest) ([]Order, string, error) {
		page, err := c.ListOrders(ctx, status, p)
		if err != nil {
			return nil, "", err
		}
		return page.Orders, page.NextPageToken, nil
	})
}
