package broker

import (
	"maps"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/sagashop/sagashop/mq/route"
)

// topicTable is the broker's topic configuration, persisted as
// config/topics.json under the store root.
type topicTable struct {
	path string

	mu      sync.RWMutex
	topics  map[string]route.TopicConfig
	version route.DataVersion
}

type topicFile struct {
	TopicConfigTable map[string]route.TopicConfig `json:"topicConfigTable"`
	DataVersion      route.DataVersion            `json:"dataVersion"`
}

func openTopicTable(root string) (*topicTable, error) {
	t := &topicTable{path: filepath.Join(root, "config", "topics.json"), topics: map[string]route.TopicConfig{}}
	var f topicFile
	if err := loadJSON(t.path, &f); err != nil {
		return nil, err
	}
	if f.TopicConfigTable != nil {
		t.topics = f.TopicConfigTable
	}
	t.version = f.DataVersion
	return t, nil
}

func (t *topicTable) get(name string) (route.TopicConfig, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	tc, ok := t.topics[name]
	return tc, ok
}

// put stores tc and persists the table. It reports whether anything changed.
func (t *topicTable) put(tc route.TopicConfig) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, ok := t.topics[tc.TopicName]; ok && old == tc {
		return false, nil
	}
	t.topics[tc.TopicName] = tc
	return true, t.saveLocked()
}

// createIfAbsent stores tc unless the topic exists; it returns the config
// in force and whether it was created.
func (t *topicTable) createIfAbsent(tc route.TopicConfig) (route.TopicConfig, bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, ok := t.topics[tc.TopicName]; ok {
		return old, false, nil
	}
	t.topics[tc.TopicName] = tc
	return tc, true, t.saveLocked()
}

func (t *topicTable) remove(name string) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.topics[name]; !ok {
		return false, nil
	}
	delete(t.topics, name)
	return true, t.saveLocked()
}

// saveLocked bumps the data version and persists; t.mu must be held.
func (t *topicTable) saveLocked() error {
	t.version.Counter++
	t.version.Timestamp = time.Now().UnixMilli()
	return saveJSON(t.path, topicFile{TopicConfigTable: t.topics, DataVersion: t.version})
}

func (t *topicTable) snapshot() (map[string]route.TopicConfig, route.DataVersion) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return maps.Clone(t.topics), t.version
}

func (t *topicTable) names() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	names := make([]string, 0, len(t.topics))
	for n := range t.topics {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
