package shopapitest

import (
	"net/http"
	"strconv"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// waitTick is how often a blocking GET looks at the order again (and, with
// Auto, plays the saga steps that fell due).
const waitTick = time.Millisecond

// getOrder serves GET /v1/orders/{sn}. With min_version and wait_ms above
// 0 it is a blocking read, like the order service's: it holds the request
// until the order's version reaches min_version, wait_ms pass or the client
// leaves, then serves it as any request (OnRequest runs then). An unknown
// order, or min_version < 0 or wait_ms outside 0..30000, answers at once.
func (s *Shop) getOrder() http.HandlerFunc {
	read := s.wrap(func(r *http.Request, st *State) (any, *shopapi.Error) {
		if _, _, e := waitParams(r); e != nil {
			return nil, e
		}
		if o := st.orders[r.PathValue("sn")]; o != nil {
			return o, nil
		}
		return nil, apiError(http.StatusNotFound, shopapi.ReasonOrderNotFound, "order %s", r.PathValue("sn"))
	})
	return func(w http.ResponseWriter, r *http.Request) {
		if minVersion, wait, e := waitParams(r); e == nil && minVersion > 0 && wait > 0 {
			s.await(r, r.PathValue("sn"), minVersion, wait)
		}
		read(w, r)
	}
}

// await returns once order sn is missing or at minVersion, after wait, or
// when the request's context ends.
func (s *Shop) await(r *http.Request, sn string, minVersion int64, wait time.Duration) {
	timeout := time.NewTimer(wait)
	defer timeout.Stop()
	tick := time.NewTicker(waitTick)
	defer tick.Stop()
	for {
		s.mu.Lock()
		if s.Auto {
			s.st.advance(s.now(), s.ReserveDelay, s.PayDelay, s.PaymentTimeout)
		}
		o := s.st.orders[sn]
		done := o == nil || o.Version >= minVersion
		s.mu.Unlock()
		if done {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-timeout.C:
			return
		case <-tick.C:
		}
	}
}

// waitParams parses min_version and wait_ms (absent = 0) with the order
// service's bounds.
func waitParams(r *http.Request) (minVersion int64, wait time.Duration, e *shopapi.Error) {
	q := r.URL.Query()
	if v := q.Get("min_version"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, apiError(http.StatusBadRequest, shopapi.ReasonInvalidArgument, "min_version must not be negative, got %q", v)
		}
		minVersion = n
	}
	if v := q.Get("wait_ms"); v != "" {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n < 0 || n > shopapi.MaxWait.Milliseconds() {
			return 0, 0, apiError(http.StatusBadRequest, shopapi.ReasonInvalidArgument,
				"wait_ms must be between 0 and %d, got %q", shopapi.MaxWait.Milliseconds(), v)
		}
		wait = time.Duration(n) * time.Millisecond
	}
	return minVersion, wait, nil
}
