package verify

import (
	"context"
	"sort"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// snapshot is one reading of the whole shop. The services are read one
// after the other, not atomically: orders first, then reservations,
// payments and stocks.
type snapshot struct {
	at           time.Time // when the reading started; orders' ages are taken at it
	orders       map[string]*shopapi.Order
	orderSNs     []string // sorted
	reservations map[string]*shopapi.Reservation
	payments     map[string][]*shopapi.Payment // by order_sn, in list order
	nPayments    int
	stocks       []shopapi.Stock // sorted by sku
}

func read(ctx context.Context, c *shopapi.Client, o Options) (*snapshot, error) {
	s := &snapshot{at: o.Now(), orders: map[string]*shopapi.Order{},
		reservations: map[string]*shopapi.Reservation{}, payments: map[string][]*shopapi.Payment{}}
	orders, err := c.AllOrders(ctx, "", o.PageSize)
	if err != nil {
		return nil, err
	}
	for i := range orders {
		if s.orders[orders[i].OrderSN] == nil {
			s.orderSNs = append(s.orderSNs, orders[i].OrderSN)
		}
		s.orders[orders[i].OrderSN] = &orders[i]
	}
	sort.Strings(s.orderSNs)
	res, err := c.AllReservations(ctx, "", o.PageSize)
	if err != nil {
		return nil, err
	}
	for i := range res {
		s.reservations[res[i].OrderSN] = &res[i]
	}
	pays, err := c.AllPayments(ctx, "", o.PageSize)
	if err != nil {
		return nil, err
	}
	s.nPayments = len(pays)
	for i := range pays {
		s.payments[pays[i].OrderSN] = append(s.payments[pays[i].OrderSN], &pays[i])
	}
	if s.stocks, err = c.ListStocks(ctx); err != nil {
		return nil, err
	}
	sort.Slice(s.stocks, func(i, j int) bool { return s.stocks[i].SKU < s.stocks[j].SKU })
	return s, nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
