package broker

import (
	"maps"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// offsetTable holds committed consumer offsets by "topic@group" and queue
// id, persisted as config/consumerOffset.json (Java's layout) every few
// seconds and at shutdown.
type offsetTable struct {
	file dirtyFile // dirty is guarded by mu

	mu      sync.Mutex
	offsets map[string]map[int32]int64
}

type offsetFile struct {
	OffsetTable map[string]map[string]int64 `json:"offsetTable"`
}

func offsetKey(topic, group string) string { return topic + "@" + group }

func openOffsetTable(root string) (*offsetTable, error) {
	t := &offsetTable{file: dirtyFile{path: filepath.Join(root, "config", "consumerOffset.json")}, offsets: map[string]map[int32]int64{}}
	var f offsetFile
	if err := loadJSON(t.file.path, &f); err != nil {
		return nil, err
	}
	for key, queues := range f.OffsetTable {
		m := make(map[int32]int64, len(queues))
		for q, off := range queues {
			id, err := strconv.ParseInt(q, 10, 32)
			if err != nil {
				continue
			}
			m[int32(id)] = off
		}
		t.offsets[key] = m
	}
	return t, nil
}

func (t *offsetTable) commit(group, topic string, queueID int32, offset int64) {
	key := offsetKey(topic, group)
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.offsets[key]
	if m == nil {
		m = map[int32]int64{}
		t.offsets[key] = m
	}
	if old, ok := m[queueID]; !ok || old != offset {
		m[queueID] = offset
		t.file.dirty = true
	}
}

// query returns the committed offset, or -1 when there is none.
func (t *offsetTable) query(group, topic string, queueID int32) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if off, ok := t.offsets[offsetKey(topic, group)][queueID]; ok {
		return off
	}
	return -1
}

// groupOffsets returns the offsets of group on topic by queue.
func (t *offsetTable) groupOffsets(group, topic string) map[int32]int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.offsets[offsetKey(topic, group)])
}

// topicsOf lists the topics group has committed offsets for.
func (t *offsetTable) topicsOf(group string) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var topics []string
	for key := range t.offsets {
		if topic, g, ok := strings.Cut(key, "@"); ok && g == group {
			topics = append(topics, topic)
		}
	}
	return topics
}

// groupsOf lists the groups with committed offsets on topic.
func (t *offsetTable) groupsOf(topic string) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var groups []string
	for key := range t.offsets {
		if tp, g, ok := strings.Cut(key, "@"); ok && tp == topic {
			groups = append(groups, g)
		}
	}
	return groups
}

// removeTopic forgets every group's offsets on topic.
func (t *offsetTable) removeTopic(topic string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for key := range t.offsets {
		if tp, _, ok := strings.Cut(key, "@"); ok && tp == topic {
			delete(t.offsets, key)
			t.file.dirty = true
		}
	}
}

// persist writes the table when it changed since the last write.
func (t *offsetTable) persist() error {
	return t.file.save(&t.mu, func() any {
		f := offsetFile{OffsetTable: make(map[string]map[string]int64, len(t.offsets))}
		for key, queues := range t.offsets {
			m := make(map[string]int64, len(queues))
			for q, off := range queues {
				m[strconv.Itoa(int(q))] = off
			}
			f.OffsetTable[key] = m
		}
		return f
	})
}
