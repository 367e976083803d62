package integration

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"

	"github.com/sagashop/sagashop/mq/remoting"
)

// Transaction state names, shorter than the client's.
const (
	txCommit   = primitive.CommitMessageState
	txRollback = primitive.RollbackMessageState
	txUnknown  = primitive.UnknowState
)

// txTopicCheckMax is where the broker parks a half message it checked
// transactionCheckMax times (Java's TRANS_CHECK_MAX_TIME_TOPIC).
const txTopicCheckMax = "TRANS_CHECK_MAX_TIME_TOPIC"

// txOptions is a cluster whose broker checks half messages back every
// 500 ms once they are 500 ms old, at most checkMax times.
func txOptions(checkMax int) clusterOptions {
	return clusterOptions{parallel: true, set: map[string]string{
		"transactionCheckInterval": "500",
		"transactionTimeOut":       "500",
		"transactionCheckMax":      strconv.Itoa(checkMax),
	}}
}

// txListener is a TransactionListener whose answers come from execute and
// check (called with the message body and, for check, the number of the
// check-back for that body, from 1). It records every check-back, and
// those that came after the body's transaction was already resolved.
type txListener struct {
	execute func(body string) primitive.LocalTransactionState
	check   func(body string, n int) primitive.LocalTransactionState

	mu       sync.Mutex
	uniq     map[string]string    // body -> UNIQ_KEY seen by ExecuteLocalTransaction
	checks   map[string][]txCheck // body -> check-backs in arrival order
	resolved map[string]time.Time // body -> when an answer was commit or rollback
	late     map[string]int       // body -> check-backs after it was resolved
}

// txCheck is one check-back: the check count the broker put in the
// message and the message itself.
type txCheck struct {
	at    time.Time
	times int
	msg   *primitive.MessageExt
}

func newTxListener(execute func(string) primitive.LocalTransactionState,
	check func(string, int) primitive.LocalTransactionState) *txListener {
	return &txListener{execute: execute, check: check, uniq: map[string]string{},
		checks: map[string][]txCheck{}, resolved: map[string]time.Time{}, late: map[string]int{}}
}

func (l *txListener) ExecuteLocalTransaction(m *primitive.Message) primitive.LocalTransactionState {
	b := string(m.Body)
	st := l.execute(b)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.uniq[b] = m.GetProperty(primitive.PropertyUniqueClientMessageIdKeyIndex)
	if st != txUnknown {
		l.resolved[b] = time.Now()
	}
	return st
}

func (l *txListener) CheckLocalTransaction(m *primitive.MessageExt) primitive.LocalTransactionState {
	b := string(m.Body)
	times, _ := strconv.Atoi(m.GetProperty(primitive.PropertyTranscationCheckTimes))
	l.mu.Lock()
	if _, done := l.resolved[b]; done {
		l.late[b]++
	}
	l.checks[b] = append(l.checks[b], txCheck{at: time.Now(), times: times, msg: m})
	n := len(l.checks[b])
	l.mu.Unlock()
	st := l.check(b, n)
	if st != txUnknown {
		l.mu.Lock()
		if _, done := l.resolved[b]; !done {
			l.resolved[b] = time.Now()
		}
		l.mu.Unlock()
	}
	return st
}

// checksOf returns the check-backs body got so far.
func (l *txListener) checksOf(body string) []txCheck {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.checks[body])
}

// lateChecks returns the bodies checked back after their resolution, with
// how often.
func (l *txListener) lateChecks() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int{}
	for b, n := range l.late {
		out[b] = n
	}
	return out
}

// lastResolution is when the latest of bodies was resolved; ok is false
// while one of them is not.
func (l *txListener) lastResolution(bodies []string) (last time.Time, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, b := range bodies {
		at, done := l.resolved[b]
		if !done {
			return last, false
		}
		if at.After(last) {
			last = at
		}
	}
	return last, true
}

// uniqKey is the UNIQ_KEY body's half message had.
func (l *txListener) uniqKey(body string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.uniq[body]
}

// newTxProducer starts a transaction producer of group with its own
// client instance; it is shut down when the test ends.
func newTxProducer(t *testing.T, c *cluster, group string, l primitive.TransactionListener) rocketmq.TransactionProducer {
	t.Helper()
	p, err := rocketmq.NewTransactionProducer(l,
		producer.WithNsResolver(primitive.NewPassthroughResolver([]string{c.NamesrvAddr})),
		producer.WithRetry(2),
		producer.WithGroupName(group),
		producer.WithInstanceName(uniqName(t, "tp")),
	)
	if err != nil {
		t.Fatalf("NewTransactionProducer: %v", err)
	}
	if err := p.Start(); err != nil {
		t.Fatalf("transaction producer Start: %v", err)
	}
	t.Cleanup(func() { _ = p.Shutdown() })
	return p
}

// sendTx sends one transactional message, with the properties in kv
// (key, value, ...), and requires SendOK for its half message.
func sendTx(t *testing.T, p rocketmq.TransactionProducer, topic, body string, kv ...string) *primitive.TransactionSendResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m := primitive.NewMessage(topic, []byte(body)).WithKeys([]string{body})
	for i := 0; i+1 < len(kv); i += 2 {
		m.WithProperty(kv[i], kv[i+1])
	}
	res, err := p.SendMessageInTransaction(ctx, m)
	if err != nil {
		t.Fatalf("SendMessageInTransaction %s: %v", body, err)
	}
	if res.Status != primitive.SendOK {
		t.Fatalf("SendMessageInTransaction %s: half message status %d, want SendOK", body, res.Status)
	}
	return res
}

// producerClients asks the broker for the client ids of group's live
// producers (GET_PRODUCER_CONNECTION_LIST).
func producerClients(t *testing.T, addr, group string) []string {
	t.Helper()
	ids, err := producerClientIDs(addr, group)
	if err != nil {
		t.Fatalf("producer connections of %s: %v", group, err)
	}
	return ids
}

func producerClientIDs(addr, group string) ([]string, error) {
	resp, err := invoke(addr, remoting.GetProducerConnectionList, map[string]string{"producerGroup": group}, nil)
	if err != nil {
		return nil, err
	}
	if err := resp.Err(); err != nil {
		return nil, err
	}
	var body struct {
		ConnectionSet []struct {
			ClientID string `json:"clientId"`
		} `json:"connectionSet"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range body.ConnectionSet {
		ids = append(ids, c.ClientID)
	}
	return ids, nil
}

// waitProducers waits until the broker lists exactly n producers of
// group and returns how long that took.
func waitProducers(t *testing.T, c *cluster, group string, n int, timeout time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	var ids []string
	if !eventually(timeout, func() bool { ids = producerClients(t, c.BrokerAddr, group); return len(ids) == n }) {
		t.Fatalf("producer group %s has clients %q after %v, want %d", group, ids, timeout, n)
	}
	return time.Since(start)
}

// pullAll reads a queue from offset 0 to its end with raw pulls; a topic
// or queue the broker does not have reads as empty.
func pullAll(t *testing.T, c *cluster, topic string, queueID int) []*primitive.MessageExt {
	t.Helper()
	var out []*primitive.MessageExt
	for off := int64(0); ; {
		r := rawPull(t, c, uniqName(t, "reader"), topic, queueID, off, 32, "*")
		if r.code != remoting.Success || len(r.msgs) == 0 || r.next <= off {
			return out
		}
		out = append(out, r.msgs...)
		off = r.next
	}
}
