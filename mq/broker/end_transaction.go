package broker

import (
	"errors"
	"strconv"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
	"github.com/sagashop/sagashop/mq/store"
)

// commitOrRollback values of END_TRANSACTION.
const (
	txUnknown  = "0"
	txCommit   = "8"
	txRollback = "12"
)

// endTransaction handles END_TRANSACTION. The half message is found by
// its commit-log offset and must match the producer group and the queue
// offset the request names. A second resolution of the same message is
// answered with SUCCESS and changes nothing. The Go client ignores the
// reply, so mismatches are also logged.
func (b *Broker) endTransaction(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	state := req.Ext("commitOrRollback")
	switch state {
	case txUnknown:
		return remoting.NewResponse(req, remoting.Success, "transaction state unknown: left to check-back")
	case txCommit, txRollback:
	default:
		return remoting.Errorf(req, remoting.SystemError, "commitOrRollback %q is not 0, 8 or 12", state)
	}
	group := req.Ext("producerGroup")
	phys, err1 := strconv.ParseInt(req.Ext("commitLogOffset"), 10, 64)
	qoff, err2 := strconv.ParseInt(req.Ext("tranStateTableOffset"), 10, 64)
	if err1 != nil || err2 != nil || phys < 0 || qoff < 0 {
		return remoting.Errorf(req, remoting.SystemError, "header fields commitLogOffset=%q tranStateTableOffset=%q are invalid",
			req.Ext("commitLogOffset"), req.Ext("tranStateTableOffset"))
	}
	half, resp := b.findHalf(req, group, phys, qoff)
	if resp != nil {
		b.log.Warn("broker: END_TRANSACTION refused", "group", group, "commitLogOffset", phys, "reason", resp.Remark)
		return resp
	}
	done, err := b.trans.resolve(half, state == txCommit)
	if err != nil {
		return putError(req, err)
	}
	if !done {
		return remoting.NewResponse(req, remoting.Success, "transaction already resolved")
	}
	return remoting.NewResponse(req, remoting.Success, "")
}

// findHalf reads and checks the half message an END_TRANSACTION names.
func (b *Broker) findHalf(req *remoting.Command, group string, phys, qoff int64) (*message.Message, *remoting.Command) {
	rec, err := b.store.ReadAt(phys)
	if errors.Is(err, store.ErrNotFound) {
		return nil, remoting.Errorf(req, remoting.SystemError, "find prepared transaction message failed: no message at commitLogOffset %d", phys)
	}
	if err != nil {
		return nil, remoting.Errorf(req, remoting.SystemError, "find prepared transaction message failed: %v", err)
	}
	m, _, err := message.Decode(rec)
	if err != nil {
		return nil, remoting.Errorf(req, remoting.SystemError, "find prepared transaction message failed: %v", err)
	}
	pg, _ := message.Property(m.Properties, message.PropProducerGroup)
	switch {
	case m.Topic != route.TransHalfTopic:
		return nil, remoting.Errorf(req, remoting.SystemError, "the message at commitLogOffset %d is not a half message", phys)
	case pg != group:
		return nil, remoting.Errorf(req, remoting.SystemError, "the producer group is wrong: message has %q, request %q", pg, group)
	case m.QueueOffset != qoff:
		return nil, remoting.Errorf(req, remoting.SystemError, "the transaction state table offset is wrong: message has %d, request %d", m.QueueOffset, qoff)
	}
	return &m, nil
}
