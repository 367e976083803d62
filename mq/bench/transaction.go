package bench

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
)

// heartbeatInterval is how often a transaction producer re-registers its
// group, as the Go client does; the broker forgets a client after 120s.
const heartbeatInterval = 30 * time.Second

// txState is what the goroutines of a Transaction run share: the
// check-back counters, the per-phase latencies merged from the senders,
// and the verifying consumer's per-queue findings.
type txState struct {
	o        *Options
	clientID string
	prefix   string // UNIQ_KEY prefix of this run's messages

	checks       atomic.Int64 // CHECK_TRANSACTION_STATE received
	checkCommits atomic.Int64 // ... answered with END_TRANSACTION commit
	checkIgnored atomic.Int64 // ... for another group, or undecodable
	checkErrs    atomic.Int64 // answers that could not be sent
	resolved     atomic.Int64 // first-phase ENDs the broker found already resolved

	mu   sync.Mutex // guards half and end, merged as senders close
	half histogram
	end  histogram

	queues []txQueue // verify, per queue; written by that queue's goroutine only
}

// txQueue is what the verifying consumer saw on one queue.
type txQueue struct {
	seen      map[string]struct{} // UNIQ_KEYs of this run
	visible   int64
	dupes     int64
	notCommit int64 // sysFlag without the commit type
	foreign   int64 // not sent by this run
}

func newTxState(o *Options) *txState {
	t := &txState{o: o, clientID: "127.0.0.1@" + strconv.Itoa(os.Getpid()), queues: make([]txQueue, o.Queues)}
	for q := range t.queues {
		t.queues[q].seen = map[string]struct{}{}
	}
	return t
}

// halfProps are the properties of a half message, before its UNIQ_KEY,
// as the Go client's SendMessageInTransaction sets them.
func (t *txState) halfProps() string {
	return message.PropTransactionPrepared + "\x01true\x02" + message.PropProducerGroup + "\x01" + t.o.ProducerGroup + "\x02"
}

// attach makes p run transactions and c (when verifying) check them.
func (t *txState) attach(p *producer, c *consumer) {
	t.prefix = p.prefix
	p.newSender = func() sender {
		return &txSender{t: t, half: newSendRequest(p.o, p.qids, p.prefix, t.halfProps(), message.TransactionPrepared),
			end: remoting.NewRequest(remoting.EndTransaction, map[string]string{
				"producerGroup": t.o.ProducerGroup, "tranStateTableOffset": "0", "commitLogOffset": "0",
				"commitOrRollback": "8", "fromTransactionCheck": "false", "msgId": "", "transactionId": "",
			}, nil)}
	}
	if c != nil {
		c.inspect = t.inspect
	}
}

// txSender runs one transaction at a time: the half message, the local
// transaction, and END_TRANSACTION commit.
type txSender struct {
	t    *txState
	half *sendRequest
	end  *remoting.Command
	hh   histogram
	eh   histogram
}

func (s *txSender) send(ctx context.Context, c *remoting.Conn, queue, _ int, seq uint64) (time.Duration, error) {
	start := time.Now()
	resp, err := c.Invoke(ctx, s.half.prepare(queue, 1, start, seq))
	if err == nil {
		err = resp.Err()
	}
	if err != nil {
		return 0, fmt.Errorf("bench: half message: %w", err)
	}
	halfDone := time.Now()
	s.hh.record(halfDone.Sub(start))
	phys, err := commitLogOffset(resp.Ext("msgId"))
	if err != nil {
		return 0, err
	}
	if s.t.o.TxWork > 0 {
		sleep(ctx, s.t.o.TxWork)
	}
	ext := s.end.ExtFields
	ext["tranStateTableOffset"] = resp.Ext("queueOffset")
	ext["commitLogOffset"] = strconv.FormatInt(phys, 10)
	ext["msgId"] = s.half.uniqKey()
	ext["transactionId"] = resp.Ext("transactionId")
	endStart := time.Now()
	resp, err = c.Invoke(ctx, s.end)
	if err == nil {
		err = resp.Err()
	}
	if err != nil {
		return 0, fmt.Errorf("bench: END_TRANSACTION: %w", err)
	}
	end := time.Now()
	s.eh.record(end.Sub(endStart))
	if resp.Remark != "" {
		s.t.resolved.Add(1) // a check-back got there first
	}
	return end.Sub(start), nil
}

func (s *txSender) close() {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	s.t.half.merge(&s.hh)
	s.t.end.merge(&s.eh)
}

// commitLogOffset reads the physical offset out of an offsetMsgId as the
// Go client does: hex characters 16..31 (bytes 8..15), whatever the
// address before them.
func commitLogOffset(msgID string) (int64, error) {
	if len(msgID) < 32 {
		return 0, fmt.Errorf("bench: the half message's msgId %q is shorter than 32 hex characters", msgID)
	}
	var b [8]byte
	if _, err := hex.Decode(b[:], []byte(msgID[16:32])); err != nil {
		return 0, fmt.Errorf("bench: the half message's msgId %q: %w", msgID, err)
	}
	return int64(binary.BigEndian.Uint64(b[:])), nil
}

// serve answers CHECK_TRANSACTION_STATE as the Go client does when the
// local transaction committed: END_TRANSACTION commit with
// fromTransactionCheck, sent oneway. It runs on the connection's read
// goroutine and only queues that request. Other requests are ignored
// without a reply, as the Go client ignores codes it does not know.
func (t *txState) serve(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	if remoting.RequestCode(req.Code) != remoting.CheckTransactionState {
		return nil
	}
	t.checks.Add(1)
	m, _, err := message.Decode(req.Body)
	pg, _ := message.Property(m.Properties, message.PropProducerGroup)
	if err != nil || pg != t.o.ProducerGroup {
		t.checkIgnored.Add(1) // the Go client drops these too
		return nil
	}
	uniq, _ := message.Property(m.Properties, message.PropUniqKey)
	txID := req.Ext("transactionId")
	if txID == "" {
		txID = uniq
	}
	end := remoting.NewRequest(remoting.EndTransaction, map[string]string{
		"producerGroup": t.o.ProducerGroup, "tranStateTableOffset": req.Ext("tranStateTableOffset"),
		"commitLogOffset": req.Ext("commitLogOffset"), "commitOrRollback": "8", "fromTransactionCheck": "true",
		"msgId": uniq, "transactionId": txID,
	}, nil)
	if err := c.InvokeOneway(end); err != nil {
		t.checkErrs.Add(1)
		return nil
	}
	t.checkCommits.Add(1)
	return nil
}

// heartbeatData is the HEART_BEAT body of a producer-only client.
type heartbeatData struct {
	ClientID        string         `json:"clientID"`
	ProducerDataSet []producerData `json:"producerDataSet"`
	ConsumerDataSet []struct{}     `json:"consumerDataSet"`
}

type producerData struct {
	GroupName string `json:"groupName"`
}

// heartbeat registers the producer group on every connection, so that the
// broker could send check-backs over any of them.
func (t *txState) heartbeat(ctx context.Context, conns []*remoting.Conn) error {
	body, err := json.Marshal(heartbeatData{ClientID: t.clientID,
		ProducerDataSet: []producerData{{GroupName: t.o.ProducerGroup}}, ConsumerDataSet: []struct{}{}})
	if err != nil {
		return fmt.Errorf("bench: heartbeat body: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	for _, c := range conns {
		resp, err := c.Invoke(ctx, remoting.NewRequest(remoting.HeartBeat, nil, body))
		if err == nil {
			err = resp.Err()
		}
		if err != nil {
			return fmt.Errorf("bench: HEART_BEAT for producer group %s: %w", t.o.ProducerGroup, err)
		}
	}
	return nil
}

// keepRegistered repeats the heartbeat until stop is closed or ctx ends.
// A failed heartbeat is not fatal: the sends show whether the broker is
// still there.
func (t *txState) keepRegistered(ctx context.Context, wg *sync.WaitGroup, conns []*remoting.Conn, stop <-chan struct{}) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(heartbeatInterval)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				_ = t.heartbeat(ctx, conns)
			}
		}
	}()
}

// inspect checks one record the verifying consumer pulled: it must be a
// committed copy of one of this run's half messages, seen once.
func (t *txState) inspect(q int, rec []byte, _ time.Time) {
	tq := &t.queues[q]
	m, _, err := message.Decode(rec)
	uniq, _ := message.Property(m.Properties, message.PropUniqKey)
	if err != nil || t.prefix == "" || !strings.HasPrefix(uniq, t.prefix) {
		tq.foreign++
		return
	}
	if _, dup := tq.seen[uniq]; dup {
		tq.dupes++
		return
	}
	tq.seen[uniq] = struct{}{}
	tq.visible++
	if message.TransactionType(m.SysFlag) != message.TransactionCommit {
		tq.notCommit++
	}
}

// setResult fills res.Transaction once every goroutine has ended.
func (t *txState) setResult(res *Result) {
	tr := TransactionResult{
		HalfLatency: t.half.summary(), EndLatency: t.end.summary(),
		Checks: t.checks.Load(), CheckCommits: t.checkCommits.Load(), CheckIgnored: t.checkIgnored.Load(),
		CheckErrors: t.checkErrs.Load(), AlreadyResolved: t.resolved.Load(), Verified: t.o.Verify,
	}
	if t.o.Verify {
		for _, tq := range t.queues {
			tr.Visible += tq.visible
			tr.Duplicates += tq.dupes
			tr.NotCommitted += tq.notCommit
			tr.Foreign += tq.foreign
		}
		tr.Extra = res.Extra
		tr.Exact = res.Drained && tr.Visible == res.Produced && tr.Duplicates == 0 && tr.NotCommitted == 0 && tr.Extra == 0
	}
	res.Transaction = tr
}

// verifyErr reports a verification that found anything but exactly the
// committed messages.
func (tr TransactionResult) verifyErr(committed int64) error {
	if !tr.Verified || tr.Exact {
		return nil
	}
	return fmt.Errorf("%w: %d of %d committed messages visible, %d duplicates, %d not commit-type, %d extra",
		ErrVerifyFailed, tr.Visible, committed, tr.Duplicates, tr.NotCommitted, tr.Extra)
}
