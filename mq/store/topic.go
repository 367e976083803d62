package store

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// Topics lists, sorted, the topics that have any ConsumeQueue.
func (s *Store) Topics() []string {
	s.qmu.RLock()
	seen := make(map[string]bool)
	var out []string
	for k := range s.queues {
		if !seen[k.topic] {
			seen[k.topic] = true
			out = append(out, k.topic)
		}
	}
	s.qmu.RUnlock()
	slices.Sort(out)
	return out
}

// Queues lists, sorted, the queue ids that have a ConsumeQueue for topic.
func (s *Store) Queues(topic string) []int32 {
	s.qmu.RLock()
	var out []int32
	for k := range s.queues {
		if k.topic == topic {
			out = append(out, k.id)
		}
	}
	s.qmu.RUnlock()
	slices.Sort(out)
	return out
}

// DeleteTopic drops the ConsumeQueues of topic; its records stay in the
// CommitLog until retention deletes them.
//
// The order makes a crash at any point leave either the whole topic or
// none of it: everything written so far is committed first, the queues
// leave the map, a checkpoint past the topic's last record (and without
// its queues in the count) is written, and only then is the directory
// renamed away and removed. Puts wait meanwhile, so that none re-creates
// the topic inside the directory being removed.
func (s *Store) DeleteTopic(topic string) error {
	if s.sync {
		done := make(chan error, 1)
		s.OnDurable(s.wrote.Load(), func(err error) { done <- err })
		if err := <-done; err != nil {
			return err
		}
	}
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	if s.isClosed.Load() {
		return ErrClosed
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.dispatchMu.Lock()
	s.qmu.Lock()
	var gone []*consumeQueue
	for k, q := range s.queues {
		if k.topic == topic {
			q.removed = true
			gone = append(gone, q)
			delete(s.queues, k)
		}
	}
	s.qmu.Unlock()
	s.dispatchMu.Unlock()
	if len(gone) == 0 {
		return nil
	}
	if err := s.checkpointLocked(false); err != nil {
		return err
	}
	for _, q := range gone {
		q.close()
	}
	dir := filepath.Join(s.cqRoot, topic)
	tomb := filepath.Join(s.cqRoot, deletedPrefix+topic+"-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	if err := os.Rename(dir, tomb); err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return fmt.Errorf("store: delete topic %s: %w", topic, err)
	}
	if err := syncDir(s.cqRoot); err != nil {
		return err
	}
	return os.RemoveAll(tomb)
}
