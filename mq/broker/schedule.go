package broker

import (
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/route"
	"github.com/sagashop/sagashop/mq/store"
)

// scheduler implements delay levels. A message with DELAY=n>0 is parked in
// SCHEDULE_TOPIC_XXXX queue n-1 with its real topic and queue in
// REAL_TOPIC/REAL_QID and its due time as the ConsumeQueue tag code. One
// goroutine walks every level's queue in order and re-stores each message
// in its real topic when it is due. Per-level progress is persisted in
// config/delayOffset.json, so parked messages survive restarts and are
// delivered once.
type scheduler struct {
	b      *Broker
	levels []time.Duration
	file   dirtyFile // dirty is guarded by mu
	tick   time.Duration

	mu       sync.Mutex
	progress map[int32]int64 // next offset to deliver, by level-1
}

type delayOffsetFile struct {
	OffsetTable map[string]int64 `json:"offsetTable"`
}

func newScheduler(b *Broker, levels []time.Duration) (*scheduler, error) {
	s := &scheduler{b: b, levels: levels, file: dirtyFile{path: filepath.Join(b.cfg.StorePathRootDir, "config", "delayOffset.json")},
		tick: 50 * time.Millisecond, progress: map[int32]int64{}}
	var f delayOffsetFile
	if err := loadJSON(s.file.path, &f); err != nil {
		return nil, err
	}
	for k, v := range f.OffsetTable {
		level, err := strconv.Atoi(k)
		if err != nil || level < 1 {
			return nil, fmt.Errorf("%w: %s: bad level %q", ErrConfigFile, s.file.path, k)
		}
		s.progress[int32(level-1)] = v
	}
	return s, nil
}

// delayLevel reads the DELAY property: 0 for none or a level of 0 or
// less, clamped to the highest level, and an error when it is not a
// number.
func (s *scheduler) delayLevel(props string) (int, error) {
	v, ok := message.Property(props, message.PropDelayLevel)
	if !ok || v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("the DELAY property %q is not a delay level (1..%d)", v, len(s.levels))
	}
	return min(max(n, 0), len(s.levels)), nil
}

// divert parks m in the schedule topic when it carries a delay level and
// returns the tag code its ConsumeQueue unit gets (the due time).
func (s *scheduler) divert(m *message.Message, now time.Time) (int64, bool, error) {
	level, err := s.delayLevel(m.Properties)
	if err != nil || level == 0 {
		return 0, false, err
	}
	props := message.WithProperty(m.Properties, message.PropRealTopic, m.Topic)
	props = message.WithProperty(props, message.PropRealQueueID, strconv.Itoa(int(m.QueueID)))
	m.Properties = message.WithProperty(props, message.PropDelayLevel, strconv.Itoa(level))
	m.Topic, m.QueueID = route.ScheduleTopic, int32(level-1)
	return now.Add(s.levels[level-1]).UnixMilli(), true, nil
}

func (s *scheduler) offset(q int32) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.progress[q]
}

func (s *scheduler) advance(q int32, next int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.progress[q] != next {
		s.progress[q] = next
		s.file.dirty = true
	}
}

// run delivers due messages until the broker stops, then persists the
// progress.
func (s *scheduler) run() {
	t := time.NewTicker(s.tick)
	defer t.Stop()
	persist := time.NewTicker(s.b.opts.PersistInterval)
	defer persist.Stop()
	for {
		select {
		case <-s.b.ctx.Done():
			s.save()
			return
		case <-persist.C:
			s.save()
		case <-t.C:
			for q := range int32(len(s.levels)) {
				if err := s.deliverLevel(q); err != nil {
					s.b.log.Error("broker: deliver delayed messages", "level", q+1, "err", err)
				}
			}
		}
	}
}

// deliverLevel delivers every due message at the head of a level's queue.
// Messages of one level become due in the order they were parked.
func (s *scheduler) deliverLevel(q int32) error {
	for {
		off := s.offset(q)
		if off >= s.b.store.MaxOffset(route.ScheduleTopic, q) {
			return nil
		}
		res, err := s.b.store.GetMessages(route.ScheduleTopic, q, off, 32, 1<<20, 0, nil)
		if err != nil {
			return err
		}
		switch res.Status {
		case store.Found:
		case store.OffsetTooSmall, store.OffsetOverflowBadly:
			s.b.log.Warn("broker: delay progress moved", "level", q+1, "from", off, "to", res.NextBeginOffset)
			s.advance(q, res.NextBeginOffset)
			continue
		default:
			return nil
		}
		now := s.b.now().UnixMilli()
		for i, rec := range res.Records {
			m, _, err := message.Decode(rec)
			if err != nil {
				return fmt.Errorf("schedule queue %d offset %d: %w", q, off+int64(i), err)
			}
			if m.StoreTimestamp+s.levels[q].Milliseconds() > now {
				return nil
			}
			if err := s.b.deliverDue(&m); err != nil {
				return err
			}
			s.advance(q, m.QueueOffset+1)
		}
	}
}

func (s *scheduler) save() {
	err := s.file.save(&s.mu, func() any {
		f := delayOffsetFile{OffsetTable: make(map[string]int64, len(s.progress))}
		for q, off := range s.progress {
			f.OffsetTable[strconv.Itoa(int(q)+1)] = off
		}
		return f
	})
	if err != nil {
		s.b.log.Error("broker: persist delay offsets", "err", err)
	}
}

// deliverDue re-stores a parked message in its real topic and queue.
// Body, flags, born time and host, reconsume count and UNIQ_KEY are kept;
// REAL_TOPIC and REAL_QID stay, as in Java, and DELAY goes.
func (b *Broker) deliverDue(m *message.Message) error {
	topic, _ := message.Property(m.Properties, message.PropRealTopic)
	qs, _ := message.Property(m.Properties, message.PropRealQueueID)
	qid, err := strconv.Atoi(qs)
	if topic == "" || err != nil {
		b.log.Error("broker: parked message without REAL_TOPIC/REAL_QID dropped", "offset", m.PhysicalOffset)
		return nil
	}
	tc, ok := b.topics.get(topic)
	if !ok {
		if route.IsRetryTopic(topic) {
			tc, err = b.ensureTopic(topic, 1, route.PermRead|route.PermWrite)
			if err != nil {
				return err
			}
		} else {
			b.log.Warn("broker: delayed message for a deleted topic dropped", "topic", topic)
			return nil
		}
	}
	out := *m
	out.Topic, out.QueueID = topic, int32(qid%max(tc.WriteQueueNums, 1))
	out.Properties = message.WithoutProperty(m.Properties, message.PropDelayLevel)
	out.StoreHost = b.storeHost
	_, err = b.store.Put([]store.Entry{{Msg: &out, TagsCode: tagsCodeOf(out.Properties)}})
	return err
}
