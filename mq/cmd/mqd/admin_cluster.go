package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/sagashop/sagashop/mq/admin"
)

func clusterListFlags(fs *flag.FlagSet) adminRun {
	return func(ctx context.Context, cl *admin.Client, out io.Writer) error {
		ci, err := cl.ClusterInfo(ctx)
		if err != nil {
			return err
		}
		clusters := make([]string, 0, len(ci.ClusterAddrTable))
		for c := range ci.ClusterAddrTable {
			clusters = append(clusters, c)
		}
		sort.Strings(clusters)
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#Cluster Name\t#Broker Name\t#BID\t#Addr")
		for _, c := range clusters {
			names := append([]string(nil), ci.ClusterAddrTable[c]...)
			sort.Strings(names)
			for _, name := range names {
				addrs := ci.BrokerAddrTable[name].BrokerAddrs
				ids := make([]int64, 0, len(addrs))
				for id := range addrs {
					ids = append(ids, id)
				}
				sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
				for _, id := range ids {
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", c, name, id, addrs[id])
				}
			}
		}
		return tw.Flush()
	}
}
