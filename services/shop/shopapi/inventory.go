package shopapi

import (
	"context"
	"net/http"
	"net/url"
)

// ReservationPage is one page of ListReservations.
type ReservationPage struct {
	Reservations  []Reservation `json:"reservations"`
	NextPageToken string        `json:"next_page_token"`
}

// ListProducts reads the catalogue: GET /v1/products (every page, should
// the service page it).
func (c *Client) ListProducts(ctx context.Context) ([]Product, error) {
	return collect(ctx, 0, func(ctx context.Context, p PageRequest) ([]Product, string, error) {
		var page struct {
			Products      []Product `json:"products"`
			NextPageToken string    `json:"next_page_token"`
		}
		if err := c.do(ctx, http.MethodGet, c.inventory, "/v1/products", pageQuery(url.Values{}, p), nil, &page); err != nil {
			return nil, "", err
		}
		return page.Products, page.NextPageToken, nil
	})
}

// ListStocks reads every SKU's counters: GET /v1/inventory.
func (c *Client) ListStocks(ctx context.Context) ([]Stock, error) {
	return collect(ctx, 0, func(ctx context.Context, p PageRequest) ([]Stock, string, error) {
		var page struct {
			Stocks        []Stock `json:"stocks"`
			NextPageToken string  `json:"next_page_token"`
		}
		if err := c.do(ctx, http.MethodGet, c.inventory, "/v1/inventory", pageQuery(url.Values{}, p), nil, &page); err != nil {
			return nil, "", err
		}
		return page.Stocks, page.NextPageToken, nil
	})
}

// GetStock reads one SKU's counters: GET /v1/inventory/{sku}.
func (c *Client) GetStock(ctx context.Context, sku string) (*Stock, error) {
	var s Stock
	if err := c.do(ctx, http.MethodGet, c.inventory, "/v1/inventory/"+url.PathEscape(sku), nil, nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// Restock adds quantity units of sku: POST /v1/inventory/{sku}:restock.
func (c *Client) Restock(ctx context.Context, sku string, quantity int64, opts ...CallOption) (*Stock, error) {
	var s Stock
	body := struct {
		Quantity int64 `json:"quantity"`
	}{quantity}
	if err := c.do(ctx, http.MethodPost, c.inventory, "/v1/inventory/"+url.PathEscape(sku)+":restock", nil, body, &s, opts...); err != nil {
		return nil, err
	}
	return &s, nil
}

// ListReservations reads one page of reservations, only orderSN's when it
// is not "".
func (c *Client) ListReservations(ctx context.Context, orderSN string, p PageRequest) (*ReservationPage, error) {
	q := url.Values{}
	if orderSN != "" {
		q.Set("order_sn", orderSN)
	}
	var page ReservationPage
	if err := c.do(ctx, http.MethodGet, c.inventory, "/v1/reservations", pageQuery(q, p), nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// AllReservations reads every page of ListReservations.
func (c *Client) AllReservations(ctx context.Context, orderSN string, pageSize int) ([]Reservation, error) {
	return collect(ctx, pageSize, func(ctx context.Context, p PageRequest) ([]Reservation, string, error) {
		page, err := c.ListReservations(ctx, orderSN, p)
		if err != nil {
			return nil, "", err
		}
		return page.Reservations, page.NextPageToken, nil
	})
}
