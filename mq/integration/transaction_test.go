package integration

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// txPlan is how the local transaction of a kind of message turns out:
// the state ExecuteLocalTransaction returns, then the answer to each
// check-back (the last one repeats).
type txPlan struct {
	kind      string
	execute   primitive.LocalTransactionState
	checks    []primitive.LocalTransactionState
	wantCheck int  // check-backs the message must get, exactly
	committed bool // whether consumers must see it (once) or never
	immunity  int  // CHECK_IMMUNITY_TIME_IN_SECONDS, 0 for none
}

// TestTransactionOutcomes sends transactional messages whose local
// transactions commit, roll back, or stay unknown until a check-back
// commits or rolls them back (after one or three check-backs), or stay
// unknown forever. Consumers see every committed message exactly once,
// in the queue its half message was sent to, and no rolled-back one; a
// message gets exactly the check-backs its plan needs, none before
// transactionTimeOut (500 ms) or its CHECK_IMMUNITY_TIME_IN_SECONDS has
// passed and none after its resolution; the forever-unknown one is
// checked transactionCheckMax times and then parked in
// TRANS_CHECK_MAX_TIME_TOPIC.
func TestTransactionOutcomes(t *testing.T) {
	t.Parallel()
	const checkMax = 4
	forEachCluster(t, txOptions(checkMax), func(t *testing.T, c *cluster) {
		plans := []txPlan{
			{"commit", txCommit, nil, 0, true, 0},
			{"rollback", txRollback, nil, 0, false, 0},
			{"unknown-commit", txUnknown, []primitive.LocalTransactionState{txCommit}, 1, true, 0},
			{"unknown-rollback", txUnknown, []primitive.LocalTransactionState{txRollback}, 1, false, 0},
			{"unknown3-commit", txUnknown, []primitive.LocalTransactionState{txUnknown, txUnknown, txCommit}, 3, true, 0},
			{"immune2s-commit", txUnknown, []primitive.LocalTransactionState{txCommit}, 1, true, 2},
			{"unknown-forever", txUnknown, []primitive.LocalTransactionState{txUnknown}, checkMax, false, 0},
		}
		planOf := map[string]txPlan{}
		var all, committed, forever, resolvable []string
		for _, p := range plans {
			for i := 0; i < 3; i++ {
				b := fmt.Sprintf("%s-%d", p.kind, i)
				planOf[b] = p
				all = append(all, b)
				if p.committed {
					committed = append(committed, b)
				}
				if p.kind == "unknown-forever" {
					forever = append(forever, b)
				} else {
					resolvable = append(resolvable, b)
				}
			}
		}
		l := newTxListener(
			func(b string) primitive.LocalTransactionState { return planOf[b].execute },
			func(b string, n int) primitive.LocalTransactionState {
				p := planOf[b]
				if len(p.checks) == 0 {
					return p.execute
				}
				return p.checks[min(n, len(p.checks))-1]
			})

		topic := uniqName(t, "tx")
		createTopic(t, c, topic, 2)
		col := newCollector()
		startPushConsumer(t, c, uniqName(t, "g"), topic, consumer.MessageSelector{}, col.handler("m"),
			consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
		p := newTxProducer(t, c, uniqName(t, "txg"), l)
		halfIDs, halfQueue, sentAt := map[string]string{}, map[string]int{}, map[string]time.Time{}
		for _, b := range all {
			var props []string
			if s := planOf[b].immunity; s > 0 {
				props = []string{primitive.PropertyCheckImmunityTimeInSeconds, strconv.Itoa(s)}
			}
			sentAt[b] = time.Now()
			res := sendTx(t, p, topic, b, props...)
			halfIDs[b], halfQueue[b] = res.MsgID, res.MessageQueue.QueueId
			if res.State != planOf[b].execute {
				t.Errorf("%s: SendMessageInTransaction state %d, want %d", b, res.State, planOf[b].execute)
			}
		}

		// The forever-unknown messages are given up after checkMax
		// check-backs (about checkMax+1 rounds of 500 ms).
		var parked []*primitive.MessageExt
		if !eventually(15*time.Second, func() bool {
			parked = pullAll(t, c, txTopicCheckMax, 0)
			return len(bodiesOf(parked)) >= len(forever)
		}) {
			t.Fatalf("%s holds %q after 15s, want the %d forever-unknown messages", txTopicCheckMax, bodiesOf(parked), len(forever))
		}
		if got, want := strings.Join(slices.Sorted(slices.Values(bodiesOf(parked))), ","), strings.Join(forever, ","); got != want {
			t.Errorf("%s holds %s, want %s", txTopicCheckMax, got, want)
		}

		col.expectExactly(t, committed, 10*time.Second, 0)
		// Wait for three more check rounds after the last resolution: a
		// check-back the broker still sends would have come by then.
		last, ok := l.lastResolution(resolvable)
		if !ok {
			t.Fatalf("not every transaction was resolved: checks %v", checkCounts(l, all))
		}
		time.Sleep(time.Until(last.Add(1500 * time.Millisecond)))
		col.expectExactly(t, committed, 0, 0)

		for _, b := range all {
			p := planOf[b]
			checks := l.checksOf(b)
			if len(checks) != p.wantCheck {
				t.Errorf("%s: %d check-backs, want %d", b, len(checks), p.wantCheck)
			}
			immunity := 500 * time.Millisecond
			if p.immunity > 0 {
				immunity = time.Duration(p.immunity) * time.Second
			}
			if len(checks) > 0 && checks[0].at.Sub(sentAt[b]) < immunity {
				t.Errorf("%s: first check-back %v after the send, before its immunity of %v", b, checks[0].at.Sub(sentAt[b]), immunity)
			}
			for i, ck := range checks {
				if ck.times != i+1 {
					t.Errorf("%s: check-back %d carries TRANSACTION_CHECK_TIMES=%d, want %d", b, i+1, ck.times, i+1)
				}
				if ck.msg.Topic != topic || ck.msg.GetProperty(primitive.PropertyProducerGroup) == "" {
					t.Errorf("%s: check-back message topic %q PGROUP %q; want the real topic and the group",
						b, ck.msg.Topic, ck.msg.GetProperty(primitive.PropertyProducerGroup))
				}
			}
			if !p.committed {
				continue
			}
			m := col.msg(b)
			if m == nil {
				continue
			}
			if m.MsgId != halfIDs[b] || m.MsgId != l.uniqKey(b) {
				t.Errorf("%s: consumed with MsgId %q; the half message's UNIQ_KEY was %q", b, m.MsgId, halfIDs[b])
			}
			if m.Queue.QueueId != halfQueue[b] {
				t.Errorf("%s: consumed from queue %d; the half message was sent to queue %d", b, m.Queue.QueueId, halfQueue[b])
			}
			for _, k := range []string{primitive.PropertyTransactionPrepared, primitive.PropertyRealTopic, primitive.PropertyRealQueueId} {
				if v := m.GetProperty(k); v != "" {
					t.Errorf("%s: consumed with %s=%q; the committed copy must not carry it", b, k, v)
				}
			}
			if tx := m.SysFlag & 0xC; tx != 0x8 {
				t.Errorf("%s: consumed with sysFlag %#x; want the commit type 0x8 in the transaction bits", b, m.SysFlag)
			}
		}
		if late := l.lateChecks(); len(late) > 0 {
			t.Errorf("check-backs after the transaction was resolved: %v", late)
		}
		t.Logf("check-backs per message: %v", checkCounts(l, all))
	})
}

func checkCounts(l *txListener, bodies []string) map[string]int {
	out := map[string]int{}
	for _, b := range bodies {
		out[b] = len(l.checksOf(b))
	}
	return out
}
