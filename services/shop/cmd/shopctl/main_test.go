package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/services/shop/shopapi/shopapitest"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `{"A": 50, "B": 50}`)
	wrong := write("wrong.json", `{"A": 49}`)
	garbage := write("garbage.json", `["A"]`)
	down := shopapitest.New().Start()
	down.Close()

	tests := []struct {
		name     string
		args     func(urls []string) []string
		orphan   bool // add a payment without an order
		wantCode int
		wantOut  string // in stdout
		wantErr  string // in stderr
	}{
		{"no command", func([]string) []string { return nil }, false, exitUsage, "", "usage: shopctl"},
		{"unknown command", func([]string) []string { return []string{"frobnicate"} }, false, exitUsage, "", `unknown command "frobnicate"`},
		{"help", func([]string) []string { return []string{"help"} }, false, exitOK, "usage: shopctl", ""},
		{"verify -h", func([]string) []string { return []string{"verify", "-h"} }, false, exitOK, "", "-payment-timeout"},
		{"verify bad flag", func(u []string) []string { return append([]string{"verify", "-bogus"}, u...) }, false, exitUsage, "", "-bogus"},
		{"verify extra args", func(u []string) []string { return append([]string{"verify"}, append(u, "extra")...) }, false, exitUsage, "", "unexpected arguments"},
		{"verify passes", func(u []string) []string { return append([]string{"verify", "-settle", "0"}, u...) }, false, exitOK, "OK: all 17 invariants hold", ""},
		{"verify with initial", func(u []string) []string { return append([]string{"verify", "-settle", "0", "-initial", good}, u...) }, false, exitOK, "PASS  stock-initial", ""},
		{"verify wrong initial", func(u []string) []string { return append([]string{"verify", "-settle", "0", "-initial", wrong}, u...) }, false, exitViolation, "sku=A: expected total 49, got total 50", ""},
		{"verify bad initial file", func(u []string) []string { return append([]string{"verify", "-initial", garbage}, u...) }, false, exitUsage, "", "initial stock"},
		{"verify missing initial file", func(u []string) []string {
			return append([]string{"verify", "-initial", filepath.Join(dir, "none.json")}, u...)
		}, false, exitUsage, "", "initial stock"},
		{"verify violation", func(u []string) []string { return append([]string{"verify", "-settle", "0"}, u...) }, true, exitViolation, "order_sn=GHOST payment_sn=P1", ""},
		{"verify shop down", func([]string) []string {
			return []string{"verify", "-settle", "0", "-order", down.Order.URL, "-inventory", down.Inventory.URL, "-payment", down.Payment.URL}
		}, false, exitUsage, "", "reading the shop"},
		{"load", func(u []string) []string {
			return append([]string{"load", "-buyers", "3", "-orders", "12", "-pay-share", "1", "-seed", "5"}, u...)
		}, false, exitOK, "orders: attempted 12, created 12", ""},
		{"load restock", func(u []string) []string {
			return append([]string{"load", "-buyers", "3", "-orders", "120", "-pay-share", "1", "-seed", "5", "-restock", "500"}, u...)
		}, false, exitOK, "restocked: 2 SKUs by 500 units each before the run\norders: attempted 120, created 120, awaiting payment 120, rejected (out of stock) 0, paid 120", ""},
		{"load negative restock", func(u []string) []string { return append([]string{"load", "-orders", "1", "-restock", "-5"}, u...) }, false, exitUsage, "", "restock"},
		{"load short wait", func(u []string) []string {
			return append([]string{"load", "-buyers", "2", "-orders", "6", "-pay-share", "1", "-wait", "1ms"}, u...)
		}, false, exitOK, "orders: attempted 6, created 6, awaiting payment 6, rejected (out of stock) 0, paid 6", ""},
		{"load wait above 30s", func(u []string) []string {
			return append([]string{"load", "-orders", "1", "-wait", "31s", "-http-timeout", "40s"}, u...)
		}, false, exitUsage, "", "wait 31s not in"},
		{"load wait not below http timeout", func(u []string) []string {
			return append([]string{"load", "-orders", "1", "-wait", "3s", "-http-timeout", "3s"}, u...)
		}, false, exitUsage, "", "not below the HTTP timeout"},
		{"load removed poll flag", func(u []string) []string {
			return append([]string{"load", "-orders", "1", "-poll-min", "5ms"}, u...)
		}, false, exitUsage, "", "-poll-min"},
		{"load bad pay share", func(u []string) []string { return append([]string{"load", "-pay-share", "2"}, u...) }, false, exitUsage, "", "pay share"},
		{"load shop down", func([]string) []string {
			return []string{"load", "-orders", "1", "-inventory", down.Inventory.URL}
		}, false, exitUsage, "", "reading the catalogue"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			shop := shopapitest.New()
			shop.Auto = true
			shop.Do(func(st *shopapitest.State) {
				st.AddSKU("A", "Apple", 100, 50)
				st.AddSKU("B", "Banana", 200, 50)
				if tc.orphan {
					st.AddPayment(shopapi.Payment{PaymentSN: "P1", OrderSN: "GHOST", Amount: 1, Status: shopapi.PaymentSucceeded, CreatedAt: time.Now()})
				}
			})
			srv := shop.Start()
			defer srv.Close()
			urls := []string{"-order", srv.Order.URL, "-inventory", srv.Inventory.URL, "-payment", srv.Payment.URL}
			var stdout, stderr strings.Builder
			code := run(context.Background(), tc.args(urls), &stdout, &stderr)
			if code != tc.wantCode || !strings.Contains(stdout.String(), tc.wantOut) || !strings.Contains(stderr.String(), tc.wantErr) {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, tc.wantCode, stdout.String(), stderr.String())
			}
		})
	}
}
