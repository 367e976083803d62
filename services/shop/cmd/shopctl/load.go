package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/sagashop/sagashop/services/shop/load"
	"github.com/sagashop/sagashop/services/shop/shopapi"
)

func loadCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	var ep endpoints
	ep.register(fs)
	d := load.DefaultOptions()
	buyers := fs.Int("buyers", d.Buyers, "concurrent buyers")
	duration := fs.Duration("duration", d.Duration, "stop placing orders after this long (0 = only -orders)")
	orders := fs.Int("orders", 0, "stop after this many orders (0 = only -duration)")
	rate := fs.Float64("rate", 0, "orders per second across all buyers (0 = as fast as they go)")
	payShare := fs.Float64("pay-share", d.PayShare, "share of orders the buyers pay, 0..1 (1 = every order); the rest are abandoned")
	restock := fs.Int64("restock", 0, "before the run, restock every SKU by this many `units` so that it does not sell out (0 = no restock)")
	seed := fs.Uint64("seed", 0, "random seed (0 = time based)")
	wait := fs.Duration("wait", 2*time.Second, "longest one blocking GET of an order waits for the order's next version (1ms..30s, below -http-timeout)")
	if code, ok := parse(fs, args, stderr); !ok {
		return code
	}
	o := load.Options{OrderURL: ep.order, InventoryURL: ep.inventory, PaymentURL: ep.payment,
		HTTP: shopapi.NewHTTPClient(2*max(*buyers, 1), ep.timeout), Buyers: *buyers, Duration: *duration,
		Orders: *orders, Rate: *rate, PayShare: *payShare, Seed: *seed, Restock: *restock, Wait: *wait}
	res, err := load.Run(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "shopctl: %v\n", err)
		return exitUsage
	}
	if err := res.Write(stdout); err != nil {
		fmt.Fprintf(stderr, "shopctl: %v\n", err)
		return exitUsage
	}
	return exitOK
}
