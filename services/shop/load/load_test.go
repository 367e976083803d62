package load

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/services/shop/shopapi/shopapitest"
	"github.com/sagashop/sagashop/services/shop/verify"
)

// fakeShop is an Auto fake with the given stock per SKU of four.
func fakeShop(stock int64) *shopapitest.Shop {
	s := shopapitest.New()
	s.Auto, s.ReserveDelay, s.PayDelay = true, 2*time.Millisecond, 2*time.Millisecond
	s.Do(func(st *shopapitest.State) {
		for i, sku := range []string{"A", "B", "C", "D"} {
			st.AddSKU(sku, "product "+sku, int64(100*(i+1)), stock)
		}
	})
	return s
}

func TestRunAgainstFake(t *testing.T) {
	tests := []struct {
		name  string
		stock int64
		opts  func(o *Options)
		// fail503 makes every n-th POST /v1/orders fail with 503 UNAVAILABLE.
		fail503 int
		check   func(t *testing.T, r *Result)
	}{
		{"mixed", 1000, func(o *Options) { o.Orders, o.PayShare = 60, 0.5 }, 0, func(t *testing.T, r *Result) {
			if r.Attempted != 60 || r.Created != 60 || r.Paid == 0 || r.Abandoned == 0 {
				t.Errorf("want 60 orders, some paid and some abandoned")
			}
		}},
		{"everyone pays", 1000, func(o *Options) { o.Orders, o.PayShare = 30, 1 }, 0, func(t *testing.T, r *Result) {
			if r.Paid != 30 || r.Abandoned != 0 {
				t.Errorf("want 30 paid, none abandoned")
			}
		}},
		{"nobody pays", 1000, func(o *Options) { o.Orders, o.PayShare = 30, 0 }, 0, func(t *testing.T, r *Result) {
			if r.Paid != 0 || r.Abandoned != 30 || r.PayToPaid.Count() != 0 {
				t.Errorf("want 30 abandoned, none paid")
			}
		}},
		{"one blocking GET per wait", 1000, func(o *Options) { o.Orders, o.PayShare = 30, 0.5 }, 0, func(t *testing.T, r *Result) {
			if r.Polls != r.Created+r.Paid {
				t.Errorf("want one GET per wait: %d created + %d paid, got %d", r.Created, r.Paid, r.Polls)
			}
		}},
		{"short waits", 1000, func(o *Options) { o.Orders, o.PayShare, o.Wait = 20, 1, time.Millisecond }, 0, func(t *testing.T, r *Result) {
			if r.Paid != 20 || r.Polls < 2*r.Created {
				t.Errorf("want 20 paid orders, each read at least once per wait")
			}
		}},
		{"rate and duration", 1000, func(o *Options) { o.Duration, o.Rate, o.PayShare = time.Second, 40, 0.8 }, 0, func(t *testing.T, r *Result) {
			if r.Attempted == 0 || r.Attempted > 40 {
				t.Errorf("want 1..40 attempts at 40/s for 1 s")
			}
		}},
		{"stock runs out", 3, func(o *Options) { o.Orders, o.PayShare, o.CatalogRefresh = 80, 1, time.Hour }, 0, func(t *testing.T, r *Result) {
			if r.Rejected == 0 || r.Paid == 0 {
				t.Errorf("want some paid and some rejected orders")
			}
		}},
		{"sold out stops buyers", 2, func(o *Options) { o.Orders, o.PayShare, o.CatalogRefresh = 500, 1, time.Nanosecond }, 0, func(t *testing.T, r *Result) {
			if !r.SoldOut || r.Attempted >= 500 {
				t.Errorf("want buyers to stop early on an empty catalogue")
			}
		}},
		{"create errors", 1000, func(o *Options) { o.Orders, o.Buyers = 40, 1 }, 4, func(t *testing.T, r *Result) {
			if r.Errors["create: 503 UNAVAILABLE"] != 10 || r.Created != 30 {
				t.Errorf("want 10 failed creates of 40, got %v", r.Errors)
			}
		}},
		// A shop that refuses every order: each buyer pauses errorPause
		// after a failure, so 2 buyers make at most about 2 * 300ms / 50ms
		// attempts, not thousands.
		{"every create fails", 1000, func(o *Options) { o.Duration, o.Buyers = 300*time.Millisecond, 2 }, 1, func(t *testing.T, r *Result) {
			if r.Created != 0 || r.Attempted == 0 || r.Attempted > 20 {
				t.Errorf("want a few failed attempts and no order, got %d attempts", r.Attempted)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			shop := fakeShop(tc.stock)
			posts := 0 // OnRequest runs with the shop locked
			shop.OnRequest = func(r *http.Request, st *shopapitest.State) *shopapi.Error {
				if tc.fail503 == 0 || r.Method != http.MethodPost || r.URL.Path != "/v1/orders" {
					return nil
				}
				if posts++; posts%tc.fail503 == 0 {
					return &shopapi.Error{Status: 503, Reason: shopapi.ReasonUnavailable, Message: "injected"}
				}
				return nil
			}
			srv := shop.Start()
			defer srv.Close()
			so := srv.Options()
			o := Options{OrderURL: so.OrderURL, InventoryURL: so.InventoryURL, PaymentURL: so.PaymentURL, Buyers: 8, Seed: 7}
			tc.opts(&o)
			r, err := Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			if err := r.Write(&out); err != nil {
				t.Fatal(err)
			}
			checkSums(t, r)
			tc.check(t, r)
			if t.Failed() {
				t.Fatalf("result:\n%s", out.String())
			}
			t.Logf("result:\n%s", out.String())
			for _, s := range []string{"create->awaiting", "pay->paid", "throughput: created", "orders: attempted", "polls: "} {
				if s == "polls: " && r.Created == 0 {
					continue // no order to wait for: the line is left out
				}
				if !strings.Contains(out.String(), s) {
					t.Fatalf("table lacks %q:\n%s", s, out.String())
				}
			}
			rep, err := verify.Run(context.Background(), verify.Options{OrderURL: so.OrderURL, InventoryURL: so.InventoryURL,
				PaymentURL: so.PaymentURL, PaymentTimeout: time.Minute, Slack: 30 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() {
				var b strings.Builder
				_ = rep.Write(&b)
				t.Fatalf("shop inconsistent after load:\n%s", b.String())
			}
		})
	}
}

// checkSums asserts that the counts add up and the percentiles are sane.
func checkSums(t *testing.T, r *Result) {
	t.Helper()
	createErrs := 0
	for k, n := range r.Errors {
		if strings.HasPrefix(k, "create: ") {
			createErrs += n
		}
	}
	if r.Attempted != r.Created+createErrs {
		t.Errorf("attempted %d != created %d + create errors %d", r.Attempted, r.Created, createErrs)
	}
	if r.Created != r.Rejected+r.Paid+r.Abandoned+r.Failed {
		t.Errorf("created %d != rejected %d + paid %d + abandoned %d + failed %d", r.Created, r.Rejected, r.Paid, r.Abandoned, r.Failed)
	}
	if r.Awaiting < r.Paid+r.Abandoned || r.Awaiting > r.Paid+r.Abandoned+r.Failed {
		t.Errorf("awaiting %d not within paid+abandoned %d .. +failed %d", r.Awaiting, r.Paid+r.Abandoned, r.Failed)
	}
	if r.Created > 0 && r.Polls < r.Created {
		t.Errorf("%d polls for %d created orders: every order is polled at least once", r.Polls, r.Created)
	}
	if r.CreateToAwaiting.Count() != r.Awaiting || r.PayToPaid.Count() != r.Paid {
		t.Errorf("samples %d/%d for awaiting %d / paid %d", r.CreateToAwaiting.Count(), r.PayToPaid.Count(), r.Awaiting, r.Paid)
	}
	for _, l := range []Latency{r.CreateToAwaiting, r.PayToPaid} {
		p50, p90, p99, mx := l.Percentile(50), l.Percentile(90), l.Percentile(99), l.Max()
		if l.Count() > 0 && (p50 <= 0 || p50 > p90 || p90 > p99 || p99 > mx) {
			t.Errorf("percentiles not ordered: %v %v %v %v", p50, p90, p99, mx)
		}
	}
	if r.Failed != 0 {
		t.Errorf("failed %d, errors %v", r.Failed, r.Errors)
	}
}

func TestPercentile(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		var d []time.Duration
		for _, n := range ns {
			d = append(d, time.Duration(n)*time.Millisecond)
		}
		return d
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name                string
		samples             []time.Duration
		p50, p90, p99, pmax time.Duration
	}{
		{"empty", nil, 0, 0, 0, 0},
		{"one", ms(7), 7 * time.Millisecond, 7 * time.Millisecond, 7 * time.Millisecond, 7 * time.Millisecond},
		{"ten", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 5 * time.Millisecond, 9 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond},
		{"hundred", ms(hundred...), 50 * time.Millisecond, 90 * time.Millisecond, 99 * time.Millisecond, 100 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := Latency{Samples: tc.samples}
			if got := []time.Duration{l.Percentile(50), l.Percentile(90), l.Percentile(99), l.Max()}; got[0] != tc.p50 || got[1] != tc.p90 || got[2] != tc.p99 || got[3] != tc.pmax {
				t.Fatalf("got %v, want %v %v %v %v", got, tc.p50, tc.p90, tc.p99, tc.pmax)
			}
		})
	}
}

func TestRunSetupErrors(t *testing.T) {
	empty := shopapitest.New().Start()
	defer empty.Close()
	down := shopapitest.New().Start()
	down.Close()
	tests := []struct {
		name string
		srv  *shopapitest.Servers
		opts func(o *Options)
		want error
	}{
		{"no limit", empty, func(o *Options) { o.Duration, o.Orders = 0, 0 }, ErrBadOptions},
		{"pay share above 1", empty, func(o *Options) { o.PayShare = 1.5 }, ErrBadOptions},
		{"negative buyers", empty, func(o *Options) { o.Buyers = -1 }, ErrBadOptions},
		{"wait above 30s", empty, func(o *Options) { o.Wait = 31 * time.Second }, ErrBadOptions},
		{"wait under 1ms", empty, func(o *Options) { o.Wait = time.Microsecond }, ErrBadOptions},
		{"wait not below the HTTP timeout", empty, func(o *Options) { o.HTTP = &http.Client{Timeout: time.Second} }, ErrBadOptions},
		{"negative restock", empty, func(o *Options) { o.Restock = -1 }, ErrBadOptions},
		{"restock of an empty shop", empty, func(o *Options) { o.Restock = 10 }, ErrSoldOut},
		{"nothing in stock", empty, nil, ErrSoldOut},
		{"shop down", down, nil, nil},
		{"bad url", empty, func(o *Options) { o.PaymentURL = "nope" }, shopapi.ErrBadURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			so := tc.srv.Options()
			o := DefaultOptions()
			o.OrderURL, o.InventoryURL, o.PaymentURL, o.Orders = so.OrderURL, so.InventoryURL, so.PaymentURL, 1
			if tc.opts != nil {
				tc.opts(&o)
			}
			r, err := Run(context.Background(), o)
			if err == nil || r != nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("Run = %v, %v; want %v", r, err, tc.want)
			}
		})
	}
}

func TestRunRestock(t *testing.T) {
	tests := []struct {
		name    string
		stock   int64 // per SKU before the run
		restock int64
		// failRestock makes every POST .../{sku}:restock fail with 503.
		failRestock bool
		wantErr     bool
		wantTotal   int64 // per SKU after the run
		check       func(t *testing.T, r *Result)
	}{
		{"restock keeps the run going", 2, 500, false, false, 502, func(t *testing.T, r *Result) {
			if r.Paid != 80 || r.Rejected != 0 || r.SoldOut || r.RestockedSKUs != 4 || r.Restock != 500 {
				t.Errorf("want 80 paid, none rejected, 4 SKUs restocked by 500")
			}
		}},
		{"sold out SKUs are restocked too", 0, 300, false, false, 300, func(t *testing.T, r *Result) {
			if r.Paid != 80 || r.RestockedSKUs != 4 {
				t.Errorf("want 80 paid, 4 SKUs restocked")
			}
		}},
		{"no restock runs out", 2, 0, false, false, 2, func(t *testing.T, r *Result) {
			if (r.Rejected == 0 && !r.SoldOut) || r.RestockedSKUs != 0 {
				t.Errorf("want the run to run out of stock without a restock")
			}
		}},
		{"failed restock stops the run", 2, 100, true, true, 2, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			shop := fakeShop(tc.stock)
			shop.OnRequest = func(r *http.Request, st *shopapitest.State) *shopapi.Error {
				if tc.failRestock && strings.HasSuffix(r.URL.Path, ":restock") {
					return &shopapi.Error{Status: 503, Reason: shopapi.ReasonUnavailable, Message: "injected"}
				}
				return nil
			}
			srv := shop.Start()
			defer srv.Close()
			so := srv.Options()
			o := Options{OrderURL: so.OrderURL, InventoryURL: so.InventoryURL, PaymentURL: so.PaymentURL,
				Buyers: 8, Seed: 3, Orders: 80, PayShare: 1, CatalogRefresh: time.Nanosecond, Restock: tc.restock}
			r, err := Run(context.Background(), o)
			if tc.wantErr {
				if err == nil || r != nil || !strings.Contains(err.Error(), "restock") {
					t.Fatalf("Run = %v, %v; want a restock error", r, err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				var out strings.Builder
				if err := r.Write(&out); err != nil {
					t.Fatal(err)
				}
				if got := strings.Contains(out.String(), "restocked: "); got != (tc.restock > 0) {
					t.Errorf("restock line printed = %v, want %v:\n%s", got, tc.restock > 0, out.String())
				}
				checkSums(t, r)
				tc.check(t, r)
				if t.Failed() {
					t.Fatalf("result:\n%s", out.String())
				}
			}
			shop.Do(func(st *shopapitest.State) {
				for _, sku := range []string{"A", "B", "C", "D"} {
					if got := st.Stock(sku).Total; got != tc.wantTotal {
						t.Errorf("sku %s: total %d, want %d", sku, got, tc.wantTotal)
					}
				}
			})
		})
	}
}
