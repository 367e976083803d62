package acl

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// addrMatcher is a parsed whitelist entry.
type addrMatcher interface {
	match(netip.Addr) bool
}

type anyAddr struct{}

func (anyAddr) match(netip.Addr) bool { return true }

type oneAddr netip.Addr

func (o oneAddr) match(a netip.Addr) bool { return netip.Addr(o) == a }

type prefixAddr netip.Prefix

func (p prefixAddr) match(a netip.Addr) bool { return netip.Prefix(p).Contains(a) }

// octetAddr is an IPv4 pattern: for each octet, the set of values allowed.
type octetAddr [4][256 / 64]uint64

func (o *octetAddr) match(a netip.Addr) bool {
	if !a.Is4() {
		return false
	}
	for i, b := range a.As4() {
		if o[i][b/64]&(1<<(b%64)) == 0 {
			return false
		}
	}
	return true
}

type anyOf []addrMatcher

func (l anyOf) match(a netip.Addr) bool {
	for _, m := range l {
		if m.match(a) {
			return true
		}
	}
	return false
}

// parseAddrPattern parses a whitelist entry (see the package doc). An
// empty pattern matches nothing and yields nil.
func parseAddrPattern(s string) (addrMatcher, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return nil, nil
	case "*", "*.*.*.*", "*:*:*:*:*:*:*:*":
		return anyAddr{}, nil
	}
	if !strings.Contains(s, "{") && strings.Contains(s, ",") {
		var l anyOf
		for _, part := range strings.Split(s, ",") {
			m, err := parseAddrPattern(part)
			if err != nil {
				return nil, err
			}
			if m == nil {
				return nil, fmt.Errorf("%w: address pattern %q has an empty entry", ErrConfig, s)
			}
			l = append(l, m)
		}
		return l, nil
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("%w: address pattern %q: %w", ErrConfig, s, err)
		}
		if p.Addr().Is4In6() {
			if p.Bits() < 96 {
				return nil, fmt.Errorf("%w: address pattern %q mixes IPv4 and IPv6", ErrConfig, s)
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return prefixAddr(p.Masked()), nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return oneAddr(a.Unmap().WithZone("")), nil
	}
	return parseOctets(s)
}

// parseOctets parses an IPv4 pattern of up to four dot-separated octets,
// each a number, "*", "lo-hi" or "{a,b,...}". Fewer than four octets must
// end in "*", which then also stands for the missing ones ("192.168.*").
func parseOctets(s string) (addrMatcher, error) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 || len(parts) < 4 && strings.TrimSpace(parts[len(parts)-1]) != "*" {
		return nil, fmt.Errorf("%w: address pattern %q is not an address, a CIDR prefix or an IPv4 pattern", ErrConfig, s)
	}
	for len(parts) < 4 {
		parts = append(parts, "*")
	}
	var o octetAddr
	for i, p := range parts {
		if err := o.parseOctet(i, strings.TrimSpace(p)); err != nil {
			return nil, fmt.Errorf("%w: address pattern %q: %w", ErrConfig, s, err)
		}
	}
	return &o, nil
}

func (o *octetAddr) parseOctet(i int, p string) error {
	set := func(lo, hi int) {
		for v := lo; v <= hi; v++ {
			o[i][v/64] |= 1 << (v % 64)
		}
	}
	switch {
	case p == "*":
		set(0, 255)
	case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}"):
		for _, v := range strings.Split(p[1:len(p)-1], ",") {
			n, err := octet(v)
			if err != nil {
				return err
			}
			set(n, n)
		}
	case strings.Contains(p, "-"):
		lo, hi, _ := strings.Cut(p, "-")
		l, err := octet(lo)
		if err != nil {
			return err
		}
		h, err := octet(hi)
		if err != nil {
			return err
		}
		if l > h {
			return fmt.Errorf("range %q is empty", p)
		}
		set(l, h)
	default:
		n, err := octet(p)
		if err != nil {
			return err
		}
		set(n, n)
	}
	return nil
}

func octet(s string) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 255 || s == "" || s[0] == '+' {
		return 0, fmt.Errorf("octet %q is not 0..255", s)
	}
	return n, nil
}

// hostOf extracts the address from a remote address as net.Addr.String
// writes it ("1.2.3.4:5", "[::1]:5"), or from a bare address. IPv4-mapped
// IPv6 addresses are unmapped and zones dropped, so that patterns compare
// like for like.
func hostOf(remote string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	if a, err := netip.ParseAddr(remote); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if h, _, err := net.SplitHostPort(remote); err == nil {
		if a, err := netip.ParseAddr(h); err == nil {
			return a.Unmap().WithZone(""), true
		}
	}
	return netip.Addr{}, false
}
