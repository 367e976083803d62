package broker

import (
	"strconv"
	"time"

	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
	"github.com/sagashop/sagashop/mq/store"
)

// PullSysFlag bits.
const (
	pullCommitOffset = 1 << 0
	pullSuspend      = 1 << 1
	pullSubscription = 1 << 2
	pullClassFilter  = 1 << 3
)

const (
	maxPullMessages = 32
	maxPullBytes    = 256 << 10
)

// pullRequest is a parsed PULL_MESSAGE header.
type pullRequest struct {
	group         string
	topic         string
	queueID       int32
	offset        int64
	maxMsgs       int
	sysFlag       int
	commitOffset  int64
	suspend       time.Duration
	subscription  string
	expressionTyp string
	filter        *tagFilter
}

func parsePullRequest(req *remoting.Command) (pullRequest, error) {
	p := pullRequest{
		group: req.Ext("consumerGroup"), topic: req.Ext("topic"),
		subscription: req.Ext("subscription"), expressionTyp: req.Ext("expressionType"),
	}
	var err error
	num := func(key string, def int64) int64 {
		v := req.Ext(key)
		if v == "" || err != nil {
			return def
		}
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			err = &headerError{key: key, value: v}
		}
		return n
	}
	p.queueID = int32(num("queueId", -1))
	p.offset = num("queueOffset", -1)
	p.maxMsgs = int(num("maxMsgNums", 32))
	p.sysFlag = int(num("sysFlag", 0))
	p.commitOffset = num("commitOffset", -1)
	p.suspend = time.Duration(num("suspendTimeoutMillis", 20000)) * time.Millisecond
	if err != nil {
		return p, err
	}
	if p.group == "" || p.topic == "" || p.queueID < 0 || p.offset < 0 {
		return p, &headerError{key: "consumerGroup/topic/queueId/queueOffset", value: "missing or negative"}
	}
	return p, nil
}

// headerError names a header field that is missing or malformed.
type headerError struct{ key, value string }

func (e *headerError) Error() string {
	return "header field " + e.key + "=" + strconv.Quote(e.value) + " is invalid"
}

// pullMessage handles PULL_MESSAGE. A pull that finds nothing and carries
// the suspend bit is held until a matching message arrives or the
// suspend timeout (at most MaxLongPoll) passes.
func (b *Broker) pullMessage(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	p, err := parsePullRequest(req)
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	}
	tc, ok := b.topics.get(p.topic)
	if !ok {
		return remoting.Errorf(req, remoting.TopicNotExist, "topic[%s] not exist, apply first please!", p.topic)
	}
	if !tc.Readable() {
		return remoting.Errorf(req, remoting.NoPermission, "the topic[%s] pulling message is forbidden", p.topic)
	}
	if int(p.queueID) >= tc.ReadQueueNums {
		return remoting.Errorf(req, remoting.SystemError, "queueId[%d] is illegal, topic %s has %d read queues",
			p.queueID, p.topic, tc.ReadQueueNums)
	}
	if resp := b.pullFilter(req, &p); resp != nil {
		return resp
	}
	if p.sysFlag&pullCommitOffset != 0 && p.commitOffset >= 0 {
		b.offsets.commit(p.group, p.topic, p.queueID, p.commitOffset)
	}
	hold := p.sysFlag&pullSuspend != 0
	return b.pull(c, req, &p, hold)
}

// pullFilter sets p.filter from the request's own subscription, or from
// the group's heartbeat when the request carries none.
func (b *Broker) pullFilter(req *remoting.Command, p *pullRequest) *remoting.Command {
	if p.sysFlag&pullSubscription != 0 {
		f, err := compileFilter(p.expressionTyp, p.subscription, p.sysFlag&pullClassFilter != 0)
		if err != nil {
			return remoting.Errorf(req, remoting.SystemError, "%v", err)
		}
		p.filter = f
		return nil
	}
	f, found, err := b.clients.subscription(p.group, p.topic)
	switch {
	case err != nil:
		return remoting.Errorf(req, remoting.SystemError, "%v", err)
	case !found && route.IsRetryTopic(p.topic):
		return nil // the client subscribes to its retry topic with "*"
	case !found:
		return remoting.Errorf(req, remoting.SubscriptionNotExist,
			"the consumer's subscription of %s in group %s not exist, heartbeat first", p.topic, p.group)
	}
	p.filter = f
	return nil
}

// pull reads the queue and builds the reply; with hold set, an empty
// result is parked in the long-poll table and nil is returned.
func (b *Broker) pull(c *remoting.Conn, req *remoting.Command, p *pullRequest, hold bool) *remoting.Command {
	maxMsgs := min(max(p.maxMsgs, 1), maxPullMessages)
	res, err := b.store.GetMessages(p.topic, p.queueID, p.offset, maxMsgs, maxPullBytes, 0, p.filter.fn())
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "read queue %s:%d: %v", p.topic, p.queueID, err)
	}
	code := remoting.Success
	switch res.Status {
	case store.Found:
	case store.NoMatchedMessage:
		code = remoting.PullRetryImmediately
	case store.OffsetOverflowOne:
		code = remoting.PullNotFound
	case store.NoMessageInQueue:
		code = remoting.PullNotFound
		if p.offset != 0 {
			code = remoting.PullOffsetMoved
		}
	default: // OffsetTooSmall, OffsetOverflowBadly
		code = remoting.PullOffsetMoved
	}
	if code == remoting.PullNotFound && hold {
		timeout := min(p.suspend, b.opts.MaxLongPoll)
		if timeout > 0 {
			b.polls.hold(c, req, *p, timeout)
			return nil
		}
	}
	resp := remoting.NewResponse(req, code, "")
	resp.ExtFields = map[string]string{
		"nextBeginOffset":      strconv.FormatInt(res.NextBeginOffset, 10),
		"minOffset":            strconv.FormatInt(res.MinOffset, 10),
		"maxOffset":            strconv.FormatInt(res.MaxOffset, 10),
		"suggestWhichBrokerId": "0",
	}
	if code == remoting.Success {
		n := 0
		for _, r := range res.Records {
			n += len(r)
		}
		body := make([]byte, 0, n)
		for _, r := range res.Records {
			body = append(body, r...)
		}
		resp.Body = body
	}
	return resp
}
