// Package integration is the broker's acceptance suite: it drives the
// official Go client github.com/apache/rocketmq-client-go/v2 (v2.1.2,
// unchanged) against a NameServer and Broker running in this process
// (package standalone) and against a separate `mqd standalone` process.
//
// Every test runs once per kind of cluster (see forEachCluster); each
// starts its own cluster on free loopback ports with a fresh store, and
// uses topic and group names of its own. Run it with
//
//	go test -race -count=1 ./mq/integration/
//
// The package holds no code outside its tests.
package integration
