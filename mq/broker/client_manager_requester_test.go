package broker

import (
	"testing"
	"time"

	"github.com/sagashop/sagashop/mq/remoting"
)

// TestRequesterWithoutHeartbeat checks that a reply finds a requester by
// the connection its request came on, before any heartbeat, and that the
// heartbeat-registered connection wins once there is one.
func TestRequesterWithoutHeartbeat(t *testing.T) {
	m := newClientManager()
	reqConn, beatConn := new(remoting.Conn), new(remoting.Conn)
	tests := []struct {
		name string
		do   func()
		want *remoting.Conn
	}{
		{"unknown client", func() {}, nil},
		{"seen only by its request", func() { m.noteRequester(reqConn, "10.0.0.1@7") }, reqConn},
		{"its heartbeat registered another connection", func() {
			m.registerProducer(beatConn, "10.0.0.1@7", "g", time.Now())
		}, beatConn},
		{"both connections closed", func() { m.removeConn(beatConn); m.removeConn(reqConn) }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.do()
			if got := m.connByClientID("10.0.0.1@7"); got != tc.want {
				t.Fatalf("connByClientID = %p, want %p", got, tc.want)
			}
		})
	}
}
