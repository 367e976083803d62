package admin

import (
	"context"
	"fmt"
	"sort"

	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// ProducerConnections returns the clients connected to the brokers as
// members of a producer group (GET_PRODUCER_CONNECTION_LIST, code 204),
// merged over every master broker and sorted by client id. A group with
// no connection anywhere gives an error wrapping ErrProducerNotOnline.
func (c *Client) ProducerConnections(ctx context.Context, group string) (route.ProducerConnection, error) {
	var merged route.ProducerConnection
	addrs, err := c.Masters(ctx)
	if err != nil {
		return merged, err
	}
	seen := map[string]bool{}
	for _, addr := range addrs {
		resp, err := c.invoke(ctx, addr, remoting.NewRequest(remoting.GetProducerConnectionList,
			map[string]string{"producerGroup": group}, nil))
		if err != nil {
			return merged, err
		}
		var pc route.ProducerConnection
		if err := decode(resp, &pc); err != nil {
			return merged, err
		}
		for _, cn := range pc.Connections {
			// A client has one connection to each broker; list each
			// connection once, as Java's set of connections does.
			key := cn.ClientID + "\x00" + cn.ClientAddr
			if !seen[key] {
				seen[key] = true
				merged.Connections = append(merged.Connections, cn)
			}
		}
	}
	if len(merged.Connections) == 0 {
		return merged, fmt.Errorf("%w: no broker has a connection of group %q", ErrProducerNotOnline, group)
	}
	sort.Slice(merged.Connections, func(i, j int) bool {
		a, b := merged.Connections[i], merged.Connections[j]
		if a.ClientID != b.ClientID {
			return a.ClientID < b.ClientID
		}
		return a.ClientAddr < b.ClientAddr
	})
	return merged, nil
}
