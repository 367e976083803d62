package shopapi

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// ErrPageLoop reports a list endpoint that returned a page token it had
// already returned, which would make paging loop forever.
var ErrPageLoop = errors.New("shopapi: page token repeated")

// pageQuery adds page_size and page_token to q when set.
func pageQuery(q url.Values, p PageRequest) url.Values {
	if p.PageSize > 0 {
		q.Set("page_size", strconv.Itoa(p.PageSize))
	}
	if p.PageToken != "" {
		q.Set("page_token", p.PageToken)
	}
	return q
}

// collect follows next_page_token from the first page to the last and
// returns every item.
func collect[T any](ctx context.Context, pageSize int, fetch func(ctx context.Context, p PageRequest) ([]T, string, error)) ([]T, error) {
	var all []T
	seen := map[string]bool{}
	p := PageRequest{PageSize: pageSize}
	for {
		items, next, err := fetch(ctx, p)
		if err != nil {
			return all, err
		}
		all = append(all, items...)
		if next == "" {
			return all, nil
		}
		if seen[next] {
			return all, fmt.Errorf("%w: %q", ErrPageLoop, next)
		}
		seen[next] = true
		p.PageToken = next
	}
}
