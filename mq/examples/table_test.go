package examples

// entry is one program under the client's examples/ and what the suite
// requires of it. Every program there must have an entry (TestExamples
// fails on one that has none), and every entry is either judged by a step
// or reported as not runnable with its reason.
type entry struct {
	path  string // under examples/
	check string // what a pass means
}

// table lists the examples in the order the suite runs them, which follows
// rocketmq-protocol.md §6 except where noted in the step.
var table = []entry{
	{"producer/simple", `10 x "send message success: result=SendResult [sendStatus=0"; exits 0; topic "test" auto-created through TBW102`},
	{"consumer/simple", `prints "subscribe callback:" for every message producer/simple sent (by msgId, with its body); the broker drops it when killed`},
	{"producer/tag", `3 sends succeed; consumer/simple receives each with its tag TagA, TagB, TagC`},
	{"producer/batch", `one SendResult with sendStatus=0 and 10 offsetMsgIds; consumer/simple receives the 10 bodies "num: 0..9"`},
	{"producer/async", `10 async callbacks print success; consumer/simple receives them`},
	{"producer/interceptor", `10 sends succeed, both interceptors print before and after each; consumer/simple receives them`},
	{"producer/trace", `the send succeeds, the program exits 0 after its 10 s sleep, consumer/simple receives the message, and RMQ_SYS_TRACE_TOPIC holds a Pub trace naming its msgId`},
	{"producer/delay", `10 sends with delay level 3 succeed; consumer/simple receives each 9.5-25 s after it was sent, none earlier`},
	{"consumer/tag", `of 9 fed messages tagged TagA/TagB/TagC it prints all TagA and TagC ones and no TagB one`},
	{"consumer/delay", `prints "Receive message[msgId=…] N ms later" with N in 9500-25000 for 3 messages fed with delay level 3`},
	{"consumer/retry/concurrent", `a fed message is re-consumed with ReconsumeTimes 0..5, at least ~1 s apart (delay level 1), then "msg ReconsumeTimes > 5"`},
	{"consumer/orderly", `prints all 24 fed messages, in send order within each queue, with "orderly context:"`},
	{"consumer/broadcast", `two instances at once (BROADCASTING, topic "min") both print all 6 fed messages`},
	{"consumer/strategy", `prints all 8 fed messages (AllocateByAveragely)`},
	{"consumer/interceptor", `prints all 4 fed messages, each wrapped by both interceptors' before/after lines`},
	{"consumer/trace", `prints all 4 fed messages; RMQ_SYS_TRACE_TOPIC gets SubBefore and SubAfter traces naming each msgId`},
	{"producer/transaction", `10 half sends succeed; check-back commits bodies 2,5,8, rolls back 0,3,6,9, keeps 1,4,7 unknown; TopicTest5 then holds exactly bodies 2,5,8`},
	{"consumer/rpc", `replies to both requests ("reply to <clientId> , SendResult [sendStatus=0")`},
	{"producer/rpc/sync", `prints "Requst to RequestTopic cost:… responseMsg:" and exits 0`},
	{"producer/rpc/async", `its callback prints "Requst to RequestTopic cost:… responseMsg:"`},
	{"admin/topic", `prints the topic list (with TopicTest), no error, exits 0; the broker logs newOne updated then deleted; newOne is not routed afterwards`},
	{"admin/group", `prints the subscription-group table, which names testGroup; no error; exits 0`},
	{"consumer/retry/order", `a fed message is suspended and re-consumed until "msg ReconsumeTimes > 5", then %DLQ%testGroup grows`},
	{"consumer/pull/pull", `"[pull message successfully]" and all 4 fed testPull messages of ns%test-topic; none of the 2 fed with another tag`},
	{"consumer/pull/poll", `"msgList:" with all 4 fed testPull messages; none of the 2 fed with another tag`},
	{"consumer/pull/pull_from", `with Redis at 127.0.0.1:6379: "[pull message successfully]" and all 4 fed testPullFrom messages`},
	{"producer/namespace", `sends to namespace%test succeed (time-boxed: it would send 100000)`},
	{"consumer/namespace", `prints messages producer/namespace sent (by offsetMsgId); the broker lists its subscription to %RETRY%namespace%testGroup`},
	{"producer/acl", `with aclEnable=true: signed sends succeed while an unsigned or wrongly signed one and one to a denied topic are refused`},
	{"consumer/acl", `with aclEnable=true: prints messages producer/acl sent (by offsetMsgId)`},
}
