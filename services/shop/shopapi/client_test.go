package shopapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

func TestErrorDecoding(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		wantCode   int
		wantReason string
		wantMsg    string
	}{
		{"kratos", 404, `{"code":404,"reason":"ORDER_NOT_FOUND","message":"order X","metadata":{"sn":"X"}}`, 404, "ORDER_NOT_FOUND", "order X"},
		{"kratos code as string", 409, `{"code":"409","reason":"ORDER_NOT_PAYABLE","message":"m"}`, 409, "ORDER_NOT_PAYABLE", "m"},
		{"plain text", 502, "bad gateway\n", 502, "", "bad gateway"},
		{"empty", 503, "", 503, "", ""},
		{"other json", 500, `{"error":"boom"}`, 500, "", `{"error":"boom"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			c, err := shopapi.New(shopapi.Options{OrderURL: srv.URL, InventoryURL: srv.URL, PaymentURL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetOrder(context.Background(), "X")
			var e *shopapi.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *shopapi.Error", err)
			}
			if e.Status != tc.status || e.Code != tc.wantCode || e.Reason != tc.wantReason || e.Message != tc.wantMsg {
				t.Fatalf("got status %d code %d reason %q msg %q", e.Status, e.Code, e.Reason, e.Message)
			}
			if shopapi.ReasonOf(err) != tc.wantReason || shopapi.StatusOf(err) != tc.status {
				t.Fatalf("ReasonOf/StatusOf = %q/%d", shopapi.ReasonOf(err), shopapi.StatusOf(err))
			}
			if e.Method != "GET" || e.Path != "/v1/orders/X" {
				t.Fatalf("request = %s %s", e.Method, e.Path)
			}
		})
	}
}

func TestTransportErrorHasNoStatus(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, err := shopapi.New(shopapi.Options{OrderURL: url, InventoryURL: url, PaymentURL: url})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListStocks(context.Background())
	if err == nil || shopapi.StatusOf(err) != 0 || shopapi.ReasonOf(err) != "" {
		t.Fatalf("err = %v", err)
	}
}

func TestNewRejectsBadURLs(t *testing.T) {
	ok := "http://127.0.0.1:8001"
	tests := []struct {
		name string
		o    shopapi.Options
	}{
		{"empty order", shopapi.Options{InventoryURL: ok, PaymentURL: ok}},
		{"no scheme", shopapi.Options{OrderURL: "127.0.0.1:8001", InventoryURL: ok, PaymentURL: ok}},
		{"ftp", shopapi.Options{OrderURL: ok, InventoryURL: "ftp://x", PaymentURL: ok}},
		{"no host", shopapi.Options{OrderURL: ok, InventoryURL: ok, PaymentURL: "http://"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := shopapi.New(tc.o); !errors.Is(err, shopapi.ErrBadURL) {
				t.Fatalf("err = %v, want ErrBadURL", err)
			}
		})
	}
}

func TestPageLoopDetected(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"orders":[],"next_page_token":"same"}`)
	}))
	defer srv.Close()
	c, err := shopapi.New(shopapi.Options{OrderURL: srv.URL, InventoryURL: srv.URL, PaymentURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AllOrders(context.Background(), "", 10); !errors.Is(err, shopapi.ErrPageLoop) {
		t.Fatalf("err = %v, want ErrPageLoop", err)
	}
}
