package broker

import (
	"fmt"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/route"
	"github.com/sagashop/sagashop/mq/store"
)

// transactions keeps the state of half messages.
//
// A half message is stored hidden in RMQ_SYS_TRANS_HALF_TOPIC queue 0.
// Resolving it (commit, rollback, or giving up after too many checks)
// appends an op message to RMQ_SYS_TRANS_OP_HALF_TOPIC queue 0 whose body
// is the half message's queue offset, as Java does; the set of resolved
// offsets is rebuilt from that queue at start. Unlike Java, a checked half
// message is not re-appended: the check count lives in
// config/transaction.json, so the offsets a CHECK advertises always name
// the original message and a late END_TRANSACTION cannot commit twice.
type transactions struct {
	b    *Broker
	file dirtyFile // dirty is guarded by mu

	mu         sync.Mutex // held across resolve so one half message resolves once
	resolved   map[int64]struct{}
	checkTimes map[int64]int
	checkFrom  int64 // every half offset below is resolved
}

type transactionFile struct {
	CheckFrom  int64          `json:"checkFrom"`
	CheckTimes map[string]int `json:"checkTimes"`
}

func openTransactions(b *Broker) (*transactions, error) {
	t := &transactions{b: b, file: dirtyFile{path: filepath.Join(b.cfg.StorePathRootDir, "config", "transaction.json")},
		resolved: map[int64]struct{}{}, checkTimes: map[int64]int{}}
	var f transactionFile
	if err := loadJSON(t.file.path, &f); err != nil {
		return nil, err
	}
	t.checkFrom = f.CheckFrom
	for k, v := range f.CheckTimes {
		off, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: bad offset %q", ErrConfigFile, t.file.path, k)
		}
		t.checkTimes[off] = v
	}
	if err := t.loadOps(); err != nil {
		return nil, err
	}
	return t, nil
}

// loadOps reads every op message into the resolved set.
func (t *transactions) loadOps() error {
	st := t.b.store
	for off := st.MinOffset(route.TransOpHalfTopic, 0); off < st.MaxOffset(route.TransOpHalfTopic, 0); {
		res, err := st.GetMessages(route.TransOpHalfTopic, 0, off, 32, 1<<20, 0, nil)
		if err != nil {
			return fmt.Errorf("broker: read transaction ops: %w", err)
		}
		if res.Status != store.Found {
			off = max(res.NextBeginOffset, off+1)
			continue
		}
		for _, rec := range res.Records {
			m, _, err := message.Decode(rec)
			if err != nil {
				return fmt.Errorf("broker: transaction op at %d: %w", off, err)
			}
			if half, err := strconv.ParseInt(string(m.Body), 10, 64); err == nil && half >= t.checkFrom {
				t.resolved[half] = struct{}{}
			}
		}
		off = res.NextBeginOffset
	}
	return nil
}

// divertHalf turns a prepared message into a half message: hidden in the
// half topic with its real topic and queue kept in properties.
func (t *transactions) divertHalf(m *message.Message) bool {
	if v, _ := message.Property(m.Properties, message.PropTransactionPrepared); v != "true" {
		return false
	}
	props := message.WithProperty(m.Properties, message.PropRealTopic, m.Topic)
	m.Properties = message.WithProperty(props, message.PropRealQueueID, strconv.Itoa(int(m.QueueID)))
	m.SysFlag = message.WithTransactionType(m.SysFlag, message.TransactionNotType)
	m.Topic, m.QueueID = route.TransHalfTopic, 0
	return true
}

func (t *transactions) isResolved(half int64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.resolved[half]
	return ok || half < t.checkFrom
}

// markResolvedLocked records the op message for half; t.mu is held.
func (t *transactions) markResolvedLocked(half *message.Message) error {
	body := []byte(strconv.FormatInt(half.QueueOffset, 10))
	op := message.Message{
		Topic: route.TransOpHalfTopic, Body: body, BornTimestamp: t.b.now().UnixMilli(),
		BornHost: t.b.storeHost, StoreHost: t.b.storeHost,
		Properties: message.WithProperty("", message.PropTags, "d"),
	}
	if _, err := t.b.store.Put([]store.Entry{{Msg: &op, TagsCode: message.TagsCode("d")}}); err != nil {
		return err
	}
	t.resolved[half.QueueOffset] = struct{}{}
	delete(t.checkTimes, half.QueueOffset)
	t.file.dirty = true
	return nil
}

// resolve commits or rolls back a half message once. It reports false
// when the message was already resolved.
func (t *transactions) resolve(half *message.Message, commit bool) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.resolved[half.QueueOffset]; ok || half.QueueOffset < t.checkFrom {
		return false, nil
	}
	if commit {
		if err := t.b.storeCommitted(half); err != nil {
			return false, err
		}
	}
	return true, t.markResolvedLocked(half)
}

// giveUp parks a half message that was checked too often in
// TRANS_CHECK_MAX_TIME_TOPIC and resolves it.
func (t *transactions) giveUp(half *message.Message) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.resolved[half.QueueOffset]; ok {
		return nil
	}
	if _, err := t.b.ensureTopic(route.TransCheckMaxTopic, 1, route.PermRead); err != nil {
		return err
	}
	parked := *half
	parked.Topic, parked.QueueID, parked.StoreHost = route.TransCheckMaxTopic, 0, t.b.storeHost
	if _, err := t.b.store.Put([]store.Entry{{Msg: &parked, TagsCode: tagsCodeOf(parked.Properties)}}); err != nil {
		return err
	}
	return t.markResolvedLocked(half)
}

// countCheck increments and returns a half message's check count.
func (t *transactions) countCheck(half int64) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.checkTimes[half]++
	t.file.dirty = true
	return t.checkTimes[half]
}

func (t *transactions) checks(half int64) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.checkTimes[half]
}

// advance moves checkFrom past resolved offsets and forgets them.
func (t *transactions) advance(maxOffset int64) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	for t.checkFrom < maxOffset {
		if _, ok := t.resolved[t.checkFrom]; !ok {
			break
		}
		delete(t.resolved, t.checkFrom)
		t.checkFrom++
		t.file.dirty = true
	}
	return t.checkFrom
}

func (t *transactions) save() error {
	return t.file.save(&t.mu, func() any {
		f := transactionFile{CheckFrom: t.checkFrom, CheckTimes: make(map[string]int, len(t.checkTimes))}
		for off, n := range t.checkTimes {
			f.CheckTimes[strconv.FormatInt(off, 10)] = n
		}
		return f
	})
}

// storeCommitted writes the visible copy of a committed half message: its
// real topic and queue, REAL_* and TRAN_MSG removed, the commit type in
// sysFlag and the half message's offset as preparedTransactionOffset. A
// DELAY property still parks it.
func (b *Broker) storeCommitted(half *message.Message) error {
	topic, _ := message.Property(half.Properties, message.PropRealTopic)
	qs, _ := message.Property(half.Properties, message.PropRealQueueID)
	qid, _ := strconv.Atoi(qs)
	tc, ok := b.topics.get(topic)
	if !ok {
		return fmt.Errorf("%w: %s (the real topic of half message %d)", ErrTopicNotFound, topic, half.QueueOffset)
	}
	m := *half
	m.Topic, m.QueueID = topic, int32(qid%max(tc.WriteQueueNums, 1))
	props := message.WithoutProperty(half.Properties, message.PropRealTopic)
	props = message.WithoutProperty(props, message.PropRealQueueID)
	m.Properties = message.WithoutProperty(props, message.PropTransactionPrepared)
	m.SysFlag = message.WithTransactionType(half.SysFlag, message.TransactionCommit)
	m.PreparedTransactionOffset = half.PhysicalOffset
	m.StoreHost = b.storeHost
	tags := tagsCodeOf(m.Properties)
	if code, parked, err := b.sched.divert(&m, b.now()); err == nil && parked {
		tags = code
	}
	_, err := b.store.Put([]store.Entry{{Msg: &m, TagsCode: tags}})
	return err
}
