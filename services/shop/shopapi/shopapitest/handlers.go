package shopapitest

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// handler serves one request with the shop locked, after OnRequest and the
// due saga steps; it returns the reply body or an error to encode.
type handler func(r *http.Request, st *State) (any, *shopapi.Error)

func (s *Shop) wrap(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		var out any
		var e *shopapi.Error
		if s.OnRequest != nil {
			e = s.OnRequest(r, s.st)
		}
		if e == nil {
			if s.Auto {
				s.st.advance(s.now(), s.ReserveDelay, s.PayDelay, s.PaymentTimeout)
			}
			out, e = h(r, s.st)
		}
		var body []byte
		if e != nil {
			body, _ = json.Marshal(map[string]any{"code": e.Status, "reason": e.Reason, "message": e.Message, "metadata": map[string]string{}})
		} else {
			body, _ = json.Marshal(out)
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if e != nil {
			w.WriteHeader(e.Status)
		}
		_, _ = w.Write(body)
	}
}

// decode reads a JSON body strictly, like kit.RequestDecoder.
func decode(r *http.Request, v any) *shopapi.Error {
	d := json.NewDecoder(r.Body)
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return apiError(http.StatusBadRequest, shopapi.ReasonMalformedJSON, "%v", err)
	}
	return nil
}

// page slices the sorted keys by page_size and page_token (the last key of
// the previous page) and returns the page's keys and the next token.
func (s *Shop) page(r *http.Request, keys []string) ([]string, string, *shopapi.Error) {
	size, max := 100, s.MaxPageSize
	if max <= 0 {
		max = 1000
	}
	if v := r.URL.Query().Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, "", apiError(http.StatusBadRequest, shopapi.ReasonInvalidArgument, "page_size %q", v)
		}
		if n > 0 {
			size = n
		}
	}
	size = min(size, max)
	sort.Strings(keys)
	token := r.URL.Query().Get("page_token")
	start := sort.SearchStrings(keys, token)
	if token != "" && start < len(keys) && keys[start] == token {
		start++
	}
	end := min(start+size, len(keys))
	next := ""
	if end < len(keys) {
		next = keys[end-1]
	}
	return keys[start:end], next, nil
}

// filterKeys returns the keys of m for which keep is true.
func filterKeys[T any](m map[string]T, keep func(T) bool) []string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if keep(v) {
			keys = append(keys, k)
		}
	}
	return keys
}

// pathSKU splits the {sku} path value "SKU-1:restock" into sku and verb.
func pathSKU(r *http.Request) (sku, verb string) {
	sku, verb, _ = strings.Cut(r.PathValue("sku"), ":")
	return sku, verb
}

// asAPIError returns err's *shopapi.Error, or a 500 for any other error.
func asAPIError(err error) *shopapi.Error {
	var e *shopapi.Error
	if errors.As(err, &e) {
		return e
	}
	return apiError(http.StatusInternalServerError, "INTERNAL", "%v", err)
}
