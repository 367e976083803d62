package messaging

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// resolveTimeout bounds the lookup of the NameServers' host names.
const resolveTimeout = 5 * time.Second

// resolveNameServers turns every "host:port" into "ip:port" entries. The
// client v2.1.2 accepts only IP literals (it refuses "namesrv:9876", the
// address compose gives), so host names are looked up once, here; a
// NameServer that later moves to another address is not followed.
func resolveNameServers(addrs []string) ([]string, error) {
	var out []string
	for _, a := range addrs {
		host, port, err := net.SplitHostPort(a)
		if err != nil {
			return nil, fmt.Errorf("%w: NameServer %q: %w", ErrInvalidOptions, a, err)
		}
		if host == "" || port == "" {
			return nil, fmt.Errorf("%w: NameServer %q is not host:port", ErrInvalidOptions, a)
		}
		if _, err := netip.ParseAddr(host); err == nil {
			out = append(out, a)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), resolveTimeout)
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip4", host)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("messaging: resolve NameServer %q: %w", a, err)
		}
		if len(ips) == 0 {
			return nil, fmt.Errorf("messaging: resolve NameServer %q: no IPv4 address", a)
		}
		for _, ip := range ips {
			out = append(out, net.JoinHostPort(ip.Unmap().String(), port))
		}
	}
	return out, nil
}
