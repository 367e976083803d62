package namesrv

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/sagashop/sagashop/mq/remoting"
)

// requireExt returns the ext field key of req, or an error when it is
// missing or empty.
func requireExt(req *remoting.Command, key string) (string, error) {
	v := req.Ext(key)
	if v == "" {
		return "", fmt.Errorf("%w: %s", ErrMissingField, key)
	}
	return v, nil
}

// parseBroker reads the ext fields REGISTER_BROKER and UNREGISTER_BROKER
// share: brokerAddr, brokerName, brokerId and clusterName.
func parseBroker(req *remoting.Command) (Broker, error) {
	var b Broker
	var err error
	if b.Addr, err = requireExt(req, "brokerAddr"); err != nil {
		return b, err
	}
	if b.Name, err = requireExt(req, "brokerName"); err != nil {
		return b, err
	}
	if b.Cluster, err = requireExt(req, "clusterName"); err != nil {
		return b, err
	}
	id, err := requireExt(req, "brokerId")
	if err != nil {
		return b, err
	}
	if b.ID, err = strconv.ParseInt(id, 10, 64); err != nil || b.ID < 0 {
		return b, fmt.Errorf("%w: brokerId %q is not a broker id (0 for a master, 1 and up for slaves)", ErrBadField, id)
	}
	if err := checkAddr(b.Addr); err != nil {
		return b, err
	}
	return b, nil
}

// checkAddr accepts host:port addresses the Go client can parse back out
// of a route. It splits the raw brokerAddrs text on ',' and strips '"'
// without unescaping, so only characters JSON leaves alone and that parser
// does not cut on may appear: letters, digits and ".-_:[]%".
func checkAddr(addr string) error {
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(".-_:[]%", c) >= 0) {
			return fmt.Errorf("%w: brokerAddr %q has the character %q, which clients cannot parse", ErrBadField, addr, c)
		}
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return fmt.Errorf("%w: brokerAddr %q is not host:port", ErrBadField, addr)
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || p == 0 {
		return fmt.Errorf("%w: brokerAddr %q has a bad port", ErrBadField, addr)
	}
	return nil
}
