// Package bench is a load generator for the broker. It speaks the
// remoting protocol directly, through mq/remoting, rather than through a
// client library, so that what it measures is the broker.
//
// A producer opens Conns connections and keeps InFlight requests in flight
// on each (several goroutines share one connection, pipelining their
// requests). Each request is either one SEND_MESSAGE (code 10) with the
// long header keys the Go client sends, or a SEND_BATCH_MESSAGE (code
// 320) with the short V2 keys, carrying Batch messages. Queues are chosen
// round-robin. The latency of every request goes into a log-linear
// histogram, per goroutine and without allocating.
//
// A consumer pulls every queue of the topic as the pull consumer does
// (PULL_MESSAGE, code 11: sysFlag 6, i.e. long-poll suspend plus the
// subscription in the request, maxMsgNums 32), one pull in flight per
// queue, checks that the queue offsets it receives are contiguous, and
// counts the messages. When it stops it commits its positions
// (UPDATE_CONSUMER_OFFSET), so `mqd admin consumerProgress` shows them.
//
// Modes: Produce, Consume (drain the backlog, or run for a duration or a
// count), Both (a producer and a consumer at once, the consumer starting
// at the queues' ends; after producing stops the consumer drains and the
// final lag is reported) and Latency (a producer with one request in
// flight).
package bench
