/*
Package examples is an acceptance suite: it runs every program under the
examples/ directory of the official Go client
(github.com/apache/rocketmq-client-go/v2 v2.1.2), unchanged, against mqd
and judges each one by what it prints. It has no code outside its test;
rocketmq-protocol.md §6 explains which broker features each example
exercises.

# Running it

	go test -count=1 -v ./mq/examples/

It needs the go command (it builds mqd, the examples and its feeder with
go build, without the race detector even under -race) and the fixed
addresses the examples hard-code: 127.0.0.1:9876 (NameServer) and
127.0.0.1:10911 (broker). It fails at once if either is busy. It takes
two to three minutes, most of it spent waiting for delays, the
transaction check-back and queue locks to expire, as the examples demand. Set MQ_EXAMPLES_DIR=<dir> to keep the binaries, the
store and every process's output in <dir>/logs; by default they are in a
temporary directory that is removed, and a failing check logs the end of
the output concerned and mqd's warnings.

# How it works

TestExamples builds `mqd` and starts

	mqd standalone -store <dir>/store -namesrv-listen 127.0.0.1:9876 \
	    -broker-listen 127.0.0.1:10911 -broker-ip 127.0.0.1 \
	    -message-delay-level "1s 5s 10s 30s 1m ..." \
	    -set transactionCheckInterval=1000 -set transactionTimeOut=1000

then creates TopicTest, min, ns%test-topic and RequestTopic with
`mqd admin updateTopic` (a consumer cannot start without a route) and runs
the steps one at a time. The consumer examples of TopicTest and min are fed
by internal/feed, the harness's own client, run as a separate process for
the same reason the examples are: the official client has data races of
its own. Its messages carry a marker unique to the run, so leftovers of
earlier steps cannot pass a check. Every example sleeps for up to an hour,
so each runs under a time box and is killed (its process group) when its
step has what it needs; a timeout is normal, the verdict comes from its
output. Every example runs with ROCKETMQ_GO_LOG_LEVEL=error and a private
local offset store (rocketmq.client.localOffsetStoreDir).

Consumers of group testGroup run one at a time. Before feeding one, the
suite waits until `mqd admin consumerConnection` lists it; after killing
it, it checks that the broker drops it on the closed connection.

# What each example must print

In the order the suite runs them:

  - producer/simple: 10 "send message success: result=SendResult
    [sendStatus=0 ..." lines and exit status 0; "test" is created through
    TBW102.
  - consumer/simple (kept running while the next producers send to
    "test"): "subscribe callback:" for each message of producer/simple,
    matched by msgId, with its body.
  - producer/tag, batch, async, interceptor: their sends succeed and
    consumer/simple prints every message they stored (tag: with TAGS
    TagA/TagB/TagC; batch: one result with 10 offsetMsgIds; interceptor:
    both interceptors before and after each send).
  - producer/trace: the send succeeds, it exits 0 after its 10 s sleep,
    and RMQ_SYS_TRACE_TOPIC holds a Pub record naming its msgId.
  - producer/delay: consumer/simple prints each of the 10 messages
    (delay level 3) 9.5-25 s after it was sent.
  - consumer/tag ("TagA || TagC"): prints the fed TagA and TagC messages
    and no TagB one.
  - consumer/delay: "Receive message[msgId=…] N ms later" with N in
    9500-25000 for messages fed with delay level 3.
  - consumer/retry/concurrent: the fed message comes back with
    ReconsumeTimes 0 to 5, about a second apart (delay level 1), then
    "msg ReconsumeTimes > 5".
  - consumer/orderly: prints all fed messages, in send order per queue.
  - consumer/broadcast: two instances both print every message fed to
    "min".
  - consumer/strategy, consumer/interceptor (plus both interceptors'
    lines), consumer/trace (plus SubBefore and SubAfter records in
    RMQ_SYS_TRACE_TOPIC): print every fed message.
  - producer/transaction: 10 half sends; the broker's check-back makes
    the listener commit bodies 2, 5, 8, roll back 0, 3, 6, 9 and keep 1,
    4, 7 unknown; TopicTest5 then holds exactly the committed three.
  - consumer/rpc, producer/rpc/sync, producer/rpc/async: both requesters
    print "Requst to RequestTopic cost:… responseMsg:" and the replier
    prints two successful replies.
  - admin/topic: prints the topic list, no error, exits 0; mqd logs newOne
    created then deleted, and the NameServer no longer routes it.
  - admin/group: prints the subscription-group table with testGroup.
  - consumer/retry/order: the fed message is re-consumed until "msg
    ReconsumeTimes > 5", then %DLQ%testGroup grows. It runs long enough
    after consumer/orderly that the queue locks the killed orderly
    consumer held have expired (60 s).
  - consumer/pull/pull ("[pull message successfully]") and
    consumer/pull/poll ("msgList:"): print the 4 messages fed to
    ns%test-topic with tag testPull and not the 2 with another tag.
  - consumer/pull/pull_from: the same with tag testPullFrom, but it keeps
    its offsets in Redis at 127.0.0.1:6379. The suite uses a Redis that
    already listens there, else starts redis-server if it is on PATH, else
    reports the example as NOT RUN. It imports go-redis, which our go.mod
    does not require, so it is built in a scratch module (which may
    download go-redis).
  - producer/namespace, consumer/namespace: the consumer prints 20
    messages the producer sent after it registered; the broker lists
    %RETRY%namespace%testGroup. ACL is off here: mqd ignores the
    signature they send.
  - producer/acl, consumer/acl: mqd is restarted on the same store with
    aclEnable=true and an account RocketMQ/12345678 that may use "test"
    only. The feeder first checks that an unsigned send, a wrongly signed
    one and one to TopicTest are refused; then the consumer must print 20
    messages the producer sent. If mqd has no -acl-file flag, both are
    reported as NOT RUN.

At the end the test logs a table of every example with PASS, FAIL or NOT
RUN, the seconds its processes ran and the reason, and fails if any
example failed. An example the table does not list, or a step that
judges none, fails the test too.
*/
package examples
