package admin

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// ClusterInfo returns every broker group and cluster the NameServers
// know (GET_BROKER_CLUSTER_INFO, code 106).
func (c *Client) ClusterInfo(ctx context.Context) (route.ClusterInfo, error) {
	var ci route.ClusterInfo
	resp, err := c.invokeNamesrv(ctx, remoting.GetBrokerClusterInfo, nil)
	if err != nil {
		return ci, err
	}
	if err := decode(resp, &ci); err != nil {
		return ci, err
	}
	return ci, nil
}

// ClusterMasters returns the master address of every broker group of
// cluster, sorted by broker name.
func (c *Client) ClusterMasters(ctx context.Context, cluster string) ([]string, error) {
	ci, err := c.ClusterInfo(ctx)
	if err != nil {
		return nil, err
	}
	names, ok := ci.ClusterAddrTable[cluster]
	if !ok {
		return nil, fmt.Errorf("%w: %q (known: %s)", ErrClusterNotFound, cluster, strings.Join(clusterNames(ci), ", "))
	}
	names = append([]string(nil), names...)
	sort.Strings(names)
	var addrs []string
	for _, name := range names {
		if addr := ci.BrokerAddrTable[name].BrokerAddrs[0]; addr != "" {
			addrs = append(addrs, addr)
		}
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("%w in cluster %q", ErrNoBroker, cluster)
	}
	return addrs, nil
}

// allMasters returns the master address of every broker group, sorted by
// broker name.
func allMasters(ci route.ClusterInfo) []string {
	names := make([]string, 0, len(ci.BrokerAddrTable))
	for name := range ci.BrokerAddrTable {
		names = append(names, name)
	}
	sort.Strings(names)
	var addrs []string
	for _, name := range names {
		if addr := ci.BrokerAddrTable[name].BrokerAddrs[0]; addr != "" {
			addrs = append(addrs, addr)
		}
	}
	return addrs
}

func clusterNames(ci route.ClusterInfo) []string {
	names := make([]string, 0, len(ci.ClusterAddrTable))
	for name := range ci.ClusterAddrTable {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Masters returns the master address of every broker group the
// NameServers know, sorted by broker name.
func (c *Client) Masters(ctx context.Context) ([]string, error) {
	ci, err := c.ClusterInfo(ctx)
	if err != nil {
		return nil, err
	}
	addrs := allMasters(ci)
	if len(addrs) == 0 {
		return nil, fmt.Errorf("%w registered with the NameServers", ErrNoBroker)
	}
	return addrs, nil
}
