package service

import (
	"fmt"

	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// Request limits.
const (
	// MaxLines is the most lines an order may have.
	MaxLines = 100
	// maxIDLen bounds user_id, sku and order_sn (their columns are VARCHAR(64)).
	maxIDLen = 64
)

// validateCreate checks a CreateOrderRequest and returns its lines.
func validateCreate(req *v1.CreateOrderRequest) ([]biz.LineInput, error) {
	if err := validateID("user_id", req.GetUserId()); err != nil {
		return nil, err
	}
	items := req.GetItems()
	switch {
	case len(items) == 0:
		return nil, v1.ErrorInvalidArgument("an order needs at least one item")
	case len(items) > MaxLines:
		return nil, v1.ErrorInvalidArgument("an order has at most %d items, got %d", MaxLines, len(items))
	}
	lines := make([]biz.LineInput, len(items))
	seen := make(map[string]bool, len(items))
	for i, it := range items {
		field := fmt.Sprintf("items[%d].sku", i)
		if err := validateID(field, it.GetSku()); err != nil {
			return nil, err
		}
		if seen[it.GetSku()] {
			return nil, v1.ErrorInvalidArgument("sku %q appears in more than one item", it.GetSku()).
				WithMetadata(map[string]string{"field": field})
		}
		seen[it.GetSku()] = true
		if it.GetQuantity() <= 0 {
			return nil, v1.ErrorInvalidArgument("items[%d].quantity must be at least 1, got %d", i, it.GetQuantity()).
				WithMetadata(map[string]string{"field": fmt.Sprintf("items[%d].quantity", i)})
		}
		lines[i] = biz.LineInput{SKU: it.GetSku(), Quantity: it.GetQuantity()}
	}
	return lines, nil
}

// validateSN checks an order_sn in a request.
func validateSN(sn string) error {
	return validateID("order_sn", sn)
}

// validateGet checks a GetOrderRequest: its order_sn, and min_version and
// wait_ms of a blocking read.
func validateGet(req *v1.GetOrderRequest) error {
	if err := validateSN(req.GetOrderSn()); err != nil {
		return err
	}
	if req.GetMinVersion() < 0 {
		return v1.ErrorInvalidArgument("min_version must not be negative, got %d", req.GetMinVersion()).
			WithMetadata(map[string]string{"field": "min_version"})
	}
	if maxMs := biz.MaxWait.Milliseconds(); req.GetWaitMs() < 0 || int64(req.GetWaitMs()) > maxMs {
		return v1.ErrorInvalidArgument("wait_ms must be between 0 and %d, got %d", maxMs, req.GetWaitMs()).
			WithMetadata(map[string]string{"field": "wait_ms"})
	}
	return nil
}

// validateList checks a ListOrdersRequest.
func validateList(req *v1.ListOrdersRequest) error {
	if st := biz.Status(req.GetStatus()); st != "" && !st.Valid() {
		return v1.ErrorInvalidArgument("status %q is not one of CREATED, AWAITING_PAYMENT, PAID, CANCELLED", st).
			WithMetadata(map[string]string{"field": "status"})
	}
	if req.GetPageSize() < 0 {
		return v1.ErrorInvalidArgument("page_size must not be negative, got %d", req.GetPageSize()).
			WithMetadata(map[string]string{"field": "page_size"})
	}
	return nil
}

// validateID checks an identifier field: 1..64 printable ASCII characters
// without spaces or '/' (an order_sn or a sku becomes part of message keys
// and event ids).
func validateID(field, v string) error {
	if v == "" {
		return v1.ErrorInvalidArgument("%s is required", field).WithMetadata(map[string]string{"field": field})
	}
	if len(v) > maxIDLen {
		return v1.ErrorInvalidArgument("%s is longer than %d characters", field, maxIDLen).
			WithMetadata(map[string]string{"field": field})
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c > '~' || c == '/' {
			return v1.ErrorInvalidArgument("%s must be printable ASCII without spaces or '/'", field).
				WithMetadata(map[string]string{"field": field})
		}
	}
	return nil
}
