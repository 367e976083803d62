package remoting

import (
	"context"
	"fmt"
	"net"
)

// Dial opens a connection to addr. Requests the peer sends over it go to
// h; a nil h answers them with REQUEST_CODE_NOT_SUPPORTED.
func Dial(ctx context.Context, addr string, h Handler, opts ConnOptions) (*Conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("remoting: dial %s: %w", addr, err)
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	c := newConn(nc, h, opts, nil)
	c.start()
	return c, nil
}
