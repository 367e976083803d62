// Package integration is the broker's acceptance suite: it drives the
// official Go client github.com/apache/rocketmq-client-go/v2 (v2.1.2,
// unchanged) against a NameServer and Broker started with package
// standalone ("inproc") and against a separate `mqd standalone` process
// ("process").
//
// Every test runs once per kind of cluster (forEachCluster); each starts
// its own cluster on free loopback ports with a fresh store and uses topic
// and group names of its own. Run it with
//
//	go test -race -count=1 ./mq/integration/
//
// The client has data races of its own, so under -race the test binary
// hosts the in-process clusters, under the race detector, and runs the
// tests (and the client) in a copy of itself built without it; see
// clusterhost_test.go. MQ_INTEGRATION_CLIENT_LOG=info shows the client's
// log.
//
// The package holds no code outside its tests.
package integration
