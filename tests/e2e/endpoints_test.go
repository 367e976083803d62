//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// The test process reaches a container port through the port Docker maps
// it to on the host, and Docker maps a new one each time the container
// starts. So the URLs the tests hand to shopapi, verify and load name the
// container ("http://order:8001"), and the stack's HTTP transport dials
// whatever host port that is mapped to at the time. A restart closes the
// old connections; the next request dials the new port.

// publish records the host addresses of alias's mapped ports.
func (s *stack) publish(ctx context.Context, alias string, ports ...string) error {
	ctr := s.container(alias)
	for _, p := range ports {
		ep, err := ctr.PortEndpoint(ctx, p, "")
		if err != nil {
			return fmt.Errorf("%s: mapped port of %s: %w", alias, p, err)
		}
		s.mu.Lock()
		s.endpoints[alias+":"+strings.TrimSuffix(p, "/tcp")] = ep
		s.mu.Unlock()
	}
	return nil
}

// republish records alias's mapped ports again after a start.
func (s *stack) republish(ctx context.Context, alias string) error {
	var ports []string
	s.mu.Lock()
	for k := range s.endpoints {
		if a, port, _ := strings.Cut(k, ":"); a == alias {
			ports = append(ports, port+"/tcp")
		}
	}
	s.mu.Unlock()
	return s.publish(ctx, alias, ports...)
}

// endpoint returns the host address of "alias:port".
func (s *stack) endpoint(addr string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ep, ok := s.endpoints[addr]
	if !ok {
		return "", fmt.Errorf("e2e: no mapped port for %s", addr)
	}
	return ep, nil
}

// dial connects to the host port mapped to addr ("order:8001").
func (s *stack) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	ep, err := s.endpoint(addr)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	return d.DialContext(ctx, network, ep)
}

// newHTTPClient returns a client that reaches the stack's containers by
// "alias:port", keeping up to conns idle connections per service.
func (s *stack) newHTTPClient(conns int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = s.dial
	t.MaxIdleConns = 3 * conns
	t.MaxIdleConnsPerHost = conns
	return &http.Client{Transport: t, Timeout: 10 * time.Second}
}

// url is a service's base URL for the stack's HTTP clients.
func (s *stack) url(name string) string {
	return fmt.Sprintf("http://%s:%d", name, serviceNamed(name).http)
}

// brokerAddr is the host address of the broker's port 10911.
func (s *stack) brokerAddr() (string, error) { return s.endpoint("broker:10911") }
