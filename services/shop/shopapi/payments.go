package shopapi

import (
	"context"
	"net/http"
	"net/url"
)

// PaymentPage is one page of ListPayments.
type PaymentPage struct {
	Payments      []Payment `json:"payments"`
	NextPageToken string    `json:"next_page_token"`
}

// CreatePayment pays an order: POST /v1/payments. A wrong amount is 400
// WRONG_AMOUNT, an order not awaiting payment 409 ORDER_NOT_PAYABLE.
func (c *Client) CreatePayment(ctx context.Context, req CreatePaymentRequest, opts ...CallOption) (*Payment, error) {
	var p Payment
	if err := c.do(ctx, http.MethodPost, c.payment, "/v1/payments", nil, req, &p, opts...); err != nil {
		return nil, err
	}
	return &p, nil
}

// ListPayments reads one page of payments, only orderSN's when it is not "".
func (c *Client) ListPayments(ctx context.Context, orderSN string, p PageRequest) (*PaymentPage, error) {
	q := url.Values{}
	if orderSN != "" {
		q.Set("order_sn", orderSN)
	}
	var page PaymentPage
	if err := c.do(ctx, http.MethodGet, c.payment, "/v1/payments", pageQuery(q, p), nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// AllPayments reads every page of ListPayments.
func (c *Client) AllPayments(ctx context.Context, orderSN string, pageSize int) ([]Payment, error) {
	return collect(ctx, pageSize, func(ctx context.Context, p PageRequest) ([]Payment, string, error) {
		page, err := c.ListPayments(ctx, orderSN, p)
		if err != nil {
			return nil, "", err
		}
		return page.Payments, page.NextPageToken, nil
	})
}
