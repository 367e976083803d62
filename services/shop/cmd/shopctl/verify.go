package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/services/shop/verify"
)

func verifyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	var ep endpoints
	ep.register(fs)
	settle := fs.Duration("settle", 30*time.Second, "how long a violation must persist before it is reported (the shop is eventually consistent)")
	timeout := fs.Duration("payment-timeout", 60*time.Second, "the shop's payment timeout (delay level 16)")
	slack := fs.Duration("slack", 30*time.Second, "how long past its deadline an order may stay unpaid and uncancelled")
	initial := fs.String("initial", "", "optional JSON `FILE` {\"sku\": total, ...} of the expected total stock per SKU")
	if code, ok := parse(fs, args, stderr); !ok {
		return code
	}
	o := verify.Options{OrderURL: ep.order, InventoryURL: ep.inventory, PaymentURL: ep.payment,
		HTTP: shopapi.NewHTTPClient(8, ep.timeout), Settle: *settle, PaymentTimeout: *timeout, Slack: *slack}
	if *initial != "" {
		m, err := readInitial(*initial)
		if err != nil {
			fmt.Fprintf(stderr, "shopctl: %v\n", err)
			return exitUsage
		}
		o.Initial = m
	}
	rep, err := verify.Run(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "shopctl: %v\n", err)
		return exitUsage
	}
	if err := rep.Write(stdout); err != nil {
		fmt.Fprintf(stderr, "shopctl: %v\n", err)
		return exitUsage
	}
	if !rep.OK() {
		return exitViolation
	}
	return exitOK
}

// readInitial reads a JSON object of sku -> initial total.
func readInitial(path string) (map[string]int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("initial stock: %w", err)
	}
	var m map[string]int64
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("initial stock %s: want {\"sku\": total, ...}: %w", path, err)
	}
	if m == nil {
		m = map[string]int64{}
	}
	return m, nil
}
