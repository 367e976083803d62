package shopsteps

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// GetStock reads one SKU's counters.
func GetStock(t testing.TB, api *shopapi.Client, sku string) shopapi.Stock {
	t.Helper()
	st, err := api.GetStock(ReqCtx(t), sku)
	if err != nil {
		t.Fatalf("get stock %s: %v", sku, err)
	}
	return *st
}

// StockText describes st against the wanted available/reserved/sold.
func StockText(st shopapi.Stock, available, reserved, sold int64) string {
	return fmt.Sprintf("stock %s: available %d reserved %d sold %d (total %d), want %d/%d/%d",
		st.SKU, st.Available, st.Reserved, st.Sold, st.Total, available, reserved, sold)
}

// WantStockNow fails the test unless sku's counters are
// available/reserved/sold now.
func WantStockNow(t testing.TB, api *shopapi.Client, sku string, available, reserved, sold int64) {
	t.Helper()
	st := GetStock(t, api, sku)
	if st.Available != available || st.Reserved != reserved || st.Sold != sold {
		t.Error(StockText(st, available, reserved, sold))
	}
}

// EventuallyStock polls sku's counters for up to d until they are
// available/reserved/sold.
func EventuallyStock(t testing.TB, api *shopapi.Client, d time.Duration, sku string, available, reserved, sold int64) {
	t.Helper()
	Eventually(t, d, "stock "+sku, func() (bool, string) {
		st, err := api.GetStock(context.Background(), sku)
		if err != nil {
			return false, err.Error()
		}
		return st.Available == available && st.Reserved == reserved && st.Sold == sold,
			StockText(*st, available, reserved, sold)
	})
}
