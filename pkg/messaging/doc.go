// Package messaging is the services' port to the message broker, over the
// official RocketMQ Go client (github.com/apache/rocketmq-client-go/v2,
// v2.1.2). It works against the shop's own broker (mq/) and against Apache
// RocketMQ 4.x alike.
//
// A Producer sends messages synchronously; a TxProducer sends transaction
// messages whose commit is decided by a local function and, on a
// check-back, by a Checker; a Consumer runs one push consumer per group
// with a Handler per topic. EnsureTopics creates the topics a service uses.
//
// Every Producer, TxProducer and Consumer has its own client instance (a
// unique InstanceName), so several of them live in one process, as in the
// embedded shop. The client library logs through its own logger; set its
// level with SetClientLogLevel.
//
// The client v2.1.2 has data races of its own, so no test built with -race
// runs it in-process; this package's tests re-run themselves without the
// race detector (see main_test.go).
package messaging
