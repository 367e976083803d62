package saga

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// badCase is one request that must be refused.
type badCase struct {
	name, method, url, body string
	status                  int
	reasons                 []string // any of these; nil = any non-empty reason
}

// testBadInput: bad input on every endpoint gets a 4xx with a reason and
// writes nothing; the Idempotency-Key replays a request with the same body
// and refuses another body with 422.
func testBadInput(t *testing.T, fl flavor) {
	s := startShop(t, fl, shopOptions{timeout: 20 * time.Second})
	ps := shopsteps.Products(t, s.api)
	sku := ps[0].SKU
	o, inv, py := s.url("order"), s.url("inventory"), s.url("payment")
	item := func(sku string, q int) string { return fmt.Sprintf(`{"sku":%q,"quantity":%d}`, sku, q) }
	var many []string
	for i := range 101 {
		many = append(many, item(fmt.Sprintf("SKU-%03d", i), 1))
	}
	const (
		invalid   = shopapi.ReasonInvalidArgument
		malformed = shopapi.ReasonMalformedJSON
	)
	stateless := []badCase{
		{"order: malformed JSON", "POST", o + "/v1/orders", `{"user_id":`, 400, []string{malformed}},
		{"order: not an object", "POST", o + "/v1/orders", `[1,2]`, 400, []string{malformed}},
		{"order: unknown field", "POST", o + "/v1/orders", `{"user_id":"u","items":[` + item(sku, 1) + `],"coupon":"FREE"}`, 400, []string{malformed}},
		{"order: quantity not a number", "POST", o + "/v1/orders", `{"user_id":"u","items":[{"sku":"` + sku + `","quantity":"many"}]}`, 400, []string{malformed}},
		{"order: quantity over int32", "POST", o + "/v1/orders", `{"user_id":"u","items":[` + item(sku, 3000000000) + `]}`, 400, []string{malformed, invalid}},
		{"order: empty body", "POST", o + "/v1/orders", ``, 400, []string{invalid, malformed}},
		{"order: no user", "POST", o + "/v1/orders", `{"items":[` + item(sku, 1) + `]}`, 400, []string{invalid}},
		{"order: empty order", "POST", o + "/v1/orders", `{"user_id":"u","items":[]}`, 400, []string{invalid}},
		{"order: quantity 0", "POST", o + "/v1/orders", `{"user_id":"u","items":[` + item(sku, 0) + `]}`, 400, []string{invalid}},
		{"order: quantity -1", "POST", o + "/v1/orders", `{"user_id":"u","items":[` + item(sku, -1) + `]}`, 400, []string{invalid}},
		{"order: unknown sku", "POST", o + "/v1/orders", `{"user_id":"u","items":[` + item("NO-SUCH-SKU", 1) + `]}`, 400, []string{shopapi.ReasonUnknownSKU}},
		{"order: unknown sku among known", "POST", o + "/v1/orders", `{"user_id":"u","items":[` + item(sku, 1) + `,` + item("NO-SUCH-SKU", 1) + `]}`, 400, []string{shopapi.ReasonUnknownSKU}},
		{"order: 101 lines", "POST", o + "/v1/orders", `{"user_id":"u","items":[` + strings.Join(many, ",") + `]}`, 400, []string{invalid}},
		{"order: duplicate sku", "POST", o + "/v1/orders", `{"user_id":"u","items":[` + item(sku, 1) + `,` + item(sku, 2) + `]}`, 400, []string{invalid}},
		{"order: unknown order", "GET", o + "/v1/orders/NO-SUCH-ORDER", ``, 404, []string{shopapi.ReasonOrderNotFound}},
		{"orders: unknown status", "GET", o + "/v1/orders?status=SHIPPED", ``, 400, []string{invalid}},
		{"orders: negative page_size", "GET", o + "/v1/orders?page_size=-1", ``, 400, []string{invalid}},
		{"orders: bad page_token", "GET", o + "/v1/orders?page_token=%2A%2A%2A", ``, 400, []string{invalid}},
		{"payment: malformed JSON", "POST", py + "/v1/payments", `{"order_sn":"x",`, 400, []string{malformed}},
		{"payment: unknown field", "POST", py + "/v1/payments", `{"order_sn":"x","amount":1,"card":"4242"}`, 400, []string{malformed}},
		{"payment: no order_sn", "POST", py + "/v1/payments", `{"amount":100}`, 400, []string{invalid}},
		{"payment: unknown order", "POST", py + "/v1/payments", `{"order_sn":"NO-SUCH-ORDER","amount":100}`, 404, []string{shopapi.ReasonOrderNotFound}},
		{"payments: bad page_token", "GET", py + "/v1/payments?page_token=%2A%2A%2A", ``, 400, []string{invalid}},
		{"stock: unknown sku", "GET", inv + "/v1/inventory/NO-SUCH-SKU", ``, 404, []string{shopapi.ReasonSKUNotFound}},
		{"restock: quantity 0", "POST", inv + "/v1/inventory/" + sku + ":restock", `{"quantity":0}`, 400, []string{invalid}},
		{"restock: quantity -5", "POST", inv + "/v1/inventory/" + sku + ":restock", `{"quantity":-5}`, 400, []string{invalid}},
		{"restock: malformed JSON", "POST", inv + "/v1/inventory/" + sku + ":restock", `{"quantity":`, 400, []string{malformed}},
		{"restock: unknown sku", "POST", inv + "/v1/inventory/NO-SUCH-SKU:restock", `{"quantity":5}`, 404, []string{shopapi.ReasonSKUNotFound}},
		{"reservations: bad page_token", "GET", inv + "/v1/reservations?page_token=%2A%2A%2A", ``, 400, []string{invalid}},
	}
	before := snapshotShop(t, s.api)
	for _, tc := range stateless {
		t.Run(tc.name, func(t *testing.T) { tc.check(t) })
	}
	s.waitQuiet(t)
	if d := before.diff(snapshotShop(t, s.api)); d != "" {
		t.Errorf("refused requests changed the shop:%s", d)
	}

	// Requests that are bad because of an order's state.
	awaiting := shopsteps.PlaceOrder(t, s.api, "heidi", shopapi.Line{SKU: sku, Quantity: 1})
	awaiting = shopsteps.WaitStatus(t, s.api, waitLong, awaiting.OrderSN, shopapi.StatusAwaitingPayment)
	rejected := shopsteps.PlaceOrder(t, s.api, "heidi", shopapi.Line{SKU: ps[1].SKU, Quantity: shopsteps.GetStock(t, s.api, ps[1].SKU).Available + 1})
	shopsteps.WaitStatus(t, s.api, waitLong, rejected.OrderSN, shopapi.StatusCancelled)
	payBody := func(o *shopapi.Order, amount int64) string {
		return fmt.Sprintf(`{"order_sn":%q,"amount":%d}`, o.OrderSN, amount)
	}
	stateful := []badCase{
		{"payment: wrong amount", "POST", py + "/v1/payments", payBody(awaiting, awaiting.TotalAmount+1), 400, []string{shopapi.ReasonWrongAmount}},
		{"payment: amount 0", "POST", py + "/v1/payments", payBody(awaiting, 0), 400, []string{invalid, shopapi.ReasonWrongAmount}},
		{"payment: negative amount", "POST", py + "/v1/payments", payBody(awaiting, -awaiting.TotalAmount), 400, []string{invalid, shopapi.ReasonWrongAmount}},
		{"payment: cancelled order", "POST", py + "/v1/payments", payBody(rejected, rejected.TotalAmount), 409, []string{shopapi.ReasonOrderNotPayable, shopapi.ReasonOrderCancelled}},
	}
	for _, tc := range stateful {
		t.Run(tc.name, func(t *testing.T) { tc.check(t) })
	}
	if ps := shopsteps.PaymentsOf(t, s.api, awaiting.OrderSN); len(ps) != 0 {
		t.Errorf("payments after refused ones: %+v, want none", ps)
	}
	testIdempotencyKeys(t, s, awaiting)
	paid := shopsteps.WaitStatus(t, s.api, waitLong, awaiting.OrderSN, shopapi.StatusPaid)
	(&badCase{"payment: paid order", "POST", py + "/v1/payments", payBody(paid, paid.TotalAmount), 409,
		[]string{shopapi.ReasonOrderNotPayable, shopapi.ReasonAlreadyPaid}}).check(t)
	s.waitQuiet(t)
	if ps := shopsteps.PaymentsOf(t, s.api, paid.OrderSN); len(ps) != 1 {
		t.Errorf("payments of %s: %+v, want exactly one", paid.OrderSN, ps)
	}
	s.verify(t)
}

// testIdempotencyKeys: the same key and body replay the stored response
// (one order, one payment), the same key with another body is 422.
func testIdempotencyKeys(t *testing.T, s *shop, awaiting *shopapi.Order) {
	t.Helper()
	key := fmt.Sprintf("saga-test-%d", time.Now().UnixNano())
	sku := awaiting.Items[0].SKU
	orders := func() int {
		all, err := s.api.AllOrders(shopsteps.ReqCtx(t), "", 0)
		if err != nil {
			t.Fatal(err)
		}
		return len(all)
	}
	n := orders()
	body := fmt.Sprintf(`{"user_id":"ivan","items":[{"sku":%q,"quantity":1}]}`, sku)
	first := mustDo(t, "POST", s.url("order")+"/v1/orders", body, key+"-order", 200)
	again := mustDo(t, "POST", s.url("order")+"/v1/orders", body, key+"-order", 200)
	if !bytes.Equal(first.body, again.body) || again.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replayed order: %s (Idempotent-Replayed %q), want the first reply %s", again.body, again.header.Get("Idempotent-Replayed"), first.body)
	}
	other := fmt.Sprintf(`{"user_id":"ivan","items":[{"sku":%q,"quantity":2}]}`, sku)
	mustDo(t, "POST", s.url("order")+"/v1/orders", other, key+"-order", 422).wantReason(t, "IDEMPOTENCY_KEY_REUSED")
	if got := orders(); got != n+1 {
		t.Errorf("%d orders after one order and its replay, want %d", got, n+1)
	}

	payBody := fmt.Sprintf(`{"order_sn":%q,"amount":%d}`, awaiting.OrderSN, awaiting.TotalAmount)
	p1 := mustDo(t, "POST", s.url("payment")+"/v1/payments", payBody, key+"-pay", 200)
	p2 := mustDo(t, "POST", s.url("payment")+"/v1/payments", payBody, key+"-pay", 200)
	if !bytes.Equal(p1.body, p2.body) || p2.header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replayed payment: %s (Idempotent-Replayed %q), want the first reply %s", p2.body, p2.header.Get("Idempotent-Replayed"), p1.body)
	}
	otherPay := fmt.Sprintf(`{"order_sn":%q,"amount":%d}`, awaiting.OrderSN, awaiting.TotalAmount+1)
	mustDo(t, "POST", s.url("payment")+"/v1/payments", otherPay, key+"-pay", 422).wantReason(t, "IDEMPOTENCY_KEY_REUSED")
	if ps := shopsteps.PaymentsOf(t, s.api, awaiting.OrderSN); len(ps) != 1 {
		t.Errorf("payments after one payment and its replay: %+v, want one", ps)
	}
}

// reply is a raw HTTP reply.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// reason returns the kratos error reason of the body.
func (r reply) reason() string {
	var e struct {
		Reason string `json:"reason"`
	}
	_ = json.Unmarshal(r.body, &e)
	return e.Reason
}

func (r reply) wantReason(t *testing.T, reason string) {
	t.Helper()
	if got := r.reason(); got != reason {
		t.Errorf("reason %q (body %s), want %s", got, r.body, reason)
	}
}

// do sends one raw request; key, when set, is the Idempotency-Key.
func do(method, url, body, key string) (reply, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return reply{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	hc := &http.Client{Timeout: 20 * time.Second}
	resp, err := hc.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: b}, err
}

// mustDo sends a request and fails the test unless it gets status.
func mustDo(t *testing.T, method, url, body, key string, status int) reply {
	t.Helper()
	r, err := do(method, url, body, key)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	if r.status != status {
		t.Fatalf("%s %s %s: %d %s, want %d", method, url, body, r.status, r.body, status)
	}
	return r
}

// check sends the request and checks status and reason.
func (tc *badCase) check(t *testing.T) {
	t.Helper()
	r, err := do(tc.method, tc.url, tc.body, "")
	if err != nil {
		t.Fatalf("%s %s: %v", tc.method, tc.url, err)
	}
	reason := r.reason()
	ok := reason != ""
	if tc.reasons != nil {
		ok = false
		for _, want := range tc.reasons {
			ok = ok || reason == want
		}
	}
	if r.status != tc.status || !ok {
		t.Errorf("%s: %s %s\n  got %d %s\n  want %d with reason %s", tc.name, tc.method, tc.url, r.status, r.body, tc.status, strings.Join(tc.reasons, " or "))
	}
}
