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
// final lag is reported), Latency (a producer with one request in
// flight), and:
//
//   - Transaction: each producer goroutine runs whole transactions as the
//     Go client's SendMessageInTransaction does: a half message
//     (SEND_MESSAGE with TRAN_MSG=true, PGROUP and sysFlag 4), the local
//     transaction (TxWork, a sleep), then END_TRANSACTION commit with
//     tranStateTableOffset = the reply's queueOffset and commitLogOffset
//     read from bytes 8..15 of the reply's msgId. Unlike the Go client it
//     waits for END_TRANSACTION's reply, so that the latency covers the
//     commit and failures are counted. Every connection registers the
//     producer group with HEART_BEAT (every 30s), and CHECK_TRANSACTION_STATE
//     requests are counted and answered with a commit, oneway, as the Go
//     client answers them. With Verify the topic is consumed from its ends
//     and must show each committed message exactly once.
//   - Delay: messages with a DELAY level are sent while a consumer reads
//     the topic from its ends. Each message's lateness is its arrival at
//     the consumer minus its due time, born timestamp + the level's delay,
//     which the caller passes (the protocol cannot ask the broker's table);
//     each message also carries it in the property BENCH_DELAY_MS, because
//     the broker drops DELAY when it delivers.
//   - DelayBurst: Delay for a count of messages (100,000 by default) meant
//     to be parked before the first is due; it reports the due window and
//     the delivery spread. Parking alone spreads the due times over the
//     time parking takes; BurstLevels sends several levels' shares
//     staggered, longest delay first, so that all fall due together.
package bench
