package messaging

import (
	"strings"
	"sync"
)

// nsResolver gives the client its NameServer addresses. The client v2.1.2
// accepts only IP literals, so host names ("namesrv:9876", as compose
// names it) are looked up here; and since the client asks its resolver
// again every two minutes, each ask looks them up again, so a NameServer
// that comes back on another address (a recreated container) is followed.
// A failed lookup keeps the last good list.
type nsResolver struct {
	addrs []string // as configured

	mu   sync.Mutex
	last []string // the last successful lookup
}

// newNsResolver resolves addrs once, failing on a malformed address or a
// name that does not resolve.
func newNsResolver(addrs []string) (*nsResolver, error) {
	ips, err := resolveNameServers(addrs)
	if err != nil {
		return nil, err
	}
	return &nsResolver{addrs: addrs, last: ips}, nil
}

// Resolve implements primitive.NsResolver.
func (r *nsResolver) Resolve() []string {
	ips, err := resolveNameServers(r.addrs)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil && len(ips) > 0 {
		r.last = ips
	}
	return append([]string(nil), r.last...)
}

// Description implements primitive.NsResolver.
func (r *nsResolver) Description() string {
	return "sagashop resolver of " + strings.Join(r.addrs, ",")
}
