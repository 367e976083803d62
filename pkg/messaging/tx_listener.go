package messaging

import (
	"fmt"
	"runtime/debug"

	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// txListener is the client's primitive.TransactionListener for a
// TxProducer.
type txListener struct{ p *TxProducer }

// ExecuteLocalTransaction runs the local function of the send that made m,
// on the goroutine of SendInTransaction.
func (l txListener) ExecuteLocalTransaction(m *primitive.Message) primitive.LocalTransactionState {
	v, ok := l.p.calls.Load(m.GetProperty(propTxRef))
	if !ok {
		// Not ours: cannot happen, as only SendInTransaction sends.
		l.p.log.Errorw("msg", "local transaction of an unknown message", "topic", m.Topic)
		return primitive.UnknowState
	}
	call := v.(*txCall)
	call.err = call.local(call.ctx)
	if call.err != nil {
		call.state.Store(int32(TxRollback))
		return primitive.RollbackMessageState
	}
	call.state.Store(int32(TxCommit))
	return primitive.CommitMessageState
}

// CheckLocalTransaction answers a check-back: from the send in progress
// when there is one, else from the Checker.
func (l txListener) CheckLocalTransaction(me *primitive.MessageExt) primitive.LocalTransactionState {
	ref := me.GetProperty(propTxRef)
	if v, ok := l.p.calls.Load(ref); ok && ref != "" {
		state := TxState(v.(*txCall).state.Load())
		l.p.log.Debugw("msg", "check-back for a transaction in progress", "ref", ref, "state", state)
		return clientState(state)
	}
	if l.p.ctx.Err() != nil {
		return primitive.UnknowState
	}
	d := fromExt(me)
	state, err := l.runChecker(d)
	if err != nil {
		l.p.log.Errorw("msg", "transaction checker", "topic", d.Topic, "keys", d.Keys, "msg_id", d.MsgID, "err", err)
	}
	l.p.log.Infow("msg", "check-back answered", "topic", d.Topic, "keys", d.Keys, "msg_id", d.MsgID, "state", state)
	return clientState(state)
}

// runChecker calls the Checker; a panic answers TxUnknown, because the
// client's check-back loop would die with it.
func (l txListener) runChecker(d Delivery) (state TxState, err error) {
	defer func() {
		if r := recover(); r != nil {
			state, err = TxUnknown, fmt.Errorf("%w: checker: %v\n%s", ErrHandlerPanic, r, debug.Stack())
		}
	}()
	return l.p.check(l.p.ctx, d), nil
}

// clientState maps a TxState (or txRunning) to the client's.
func clientState(s TxState) primitive.LocalTransactionState {
	switch s {
	case TxCommit:
		return primitive.CommitMessageState
	case TxRollback:
		return primitive.RollbackMessageState
	}
	return primitive.UnknowState
}

// String returns "UNKNOWN", "COMMIT" or "ROLLBACK".
func (s TxState) String() string {
	switch s {
	case TxUnknown:
		return "UNKNOWN"
	case TxCommit:
		return "COMMIT"
	case TxRollback:
		return "ROLLBACK"
	case txRunning:
		return "RUNNING"
	}
	return fmt.Sprintf("TxState(%d)", int(s))
}

// sendStatus names a client send status.
func sendStatus(s primitive.SendStatus) string {
	switch s {
	case primitive.SendOK:
		return "SEND_OK"
	case primitive.SendFlushDiskTimeout:
		return "FLUSH_DISK_TIMEOUT"
	case primitive.SendFlushSlaveTimeout:
		return "FLUSH_SLAVE_TIMEOUT"
	case primitive.SendSlaveNotAvailable:
		return "SLAVE_NOT_AVAILABLE"
	}
	return fmt.Sprintf("status %d", int(s))
}
