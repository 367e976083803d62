//go:build e2e

package e2e

import (
	"context"
	"net"
	"net/netip"
	"os"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// hostOverrideEnv names the host testcontainers reaches mapped ports at.
const hostOverrideEnv = "TESTCONTAINERS_HOST_OVERRIDE"

// setPublishedHost helps testcontainers find the mapped ports when the
// tests run in a container (/.dockerenv) that has a Docker daemon of its
// own, as CI machines do. testcontainers then dials the gateway of
// Docker's default bridge network; when the daemon does not report that
// gateway (Docker 20.10's "bridge" lists only a subnet) it falls back to
// this container's default route, where no port is published. When the
// bridge's gateway, the first address of its subnet, is an address of
// this very network namespace, the daemon publishes its ports here, so
// that address is right. Nothing changes when TESTCONTAINERS_HOST_OVERRIDE
// is set, outside a container, or when the daemon runs elsewhere.
func setPublishedHost(ctx context.Context, cli *testcontainers.DockerClient) {
	if _, set := os.LookupEnv(hostOverrideEnv); set {
		return
	}
	if _, err := os.Stat("/.dockerenv"); err != nil {
		return
	}
	res, err := cli.NetworkInspect(ctx, "bridge", client.NetworkInspectOptions{})
	if err != nil {
		return
	}
	for _, cfg := range res.Network.IPAM.Config {
		if cfg.Gateway.IsValid() || !cfg.Subnet.IsValid() || !cfg.Subnet.Addr().Is4() {
			continue
		}
		if gw := cfg.Subnet.Masked().Addr().Next(); isLocalAddr(gw) {
			_ = os.Setenv(hostOverrideEnv, gw.String())
			return
		}
	}
}

// isLocalAddr reports whether a is an address of one of this network
// namespace's interfaces.
func isLocalAddr(a netip.Addr) bool {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, ad := range addrs {
		if n, ok := ad.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(n.IP); ok && ip.Unmap() == a {
				return true
			}
		}
	}
	return false
}
