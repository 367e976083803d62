package broker

import (
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/sagashop/sagashop/mq/route"
)

// GroupConfig is a subscription group's configuration (Java
// SubscriptionGroupConfig).
type GroupConfig struct {
	GroupName                      string `json:"groupName"`
	ConsumeEnable                  bool   `json:"consumeEnable"`
	ConsumeFromMinEnable           bool   `json:"consumeFromMinEnable"`
	ConsumeBroadcastEnable         bool   `json:"consumeBroadcastEnable"`
	RetryQueueNums                 int    `json:"retryQueueNums"`
	RetryMaxTimes                  int    `json:"retryMaxTimes"`
	BrokerID                       int64  `json:"brokerId"`
	WhichBrokerWhenConsumeSlowly   int64  `json:"whichBrokerWhenConsumeSlowly"`
	NotifyConsumerIdsChangedEnable bool   `json:"notifyConsumerIdsChangedEnable"`
}

func newGroupConfig(name string) GroupConfig {
	return GroupConfig{
		GroupName: name, ConsumeEnable: true, ConsumeFromMinEnable: true, ConsumeBroadcastEnable: true,
		RetryQueueNums: 1, RetryMaxTimes: 16, WhichBrokerWhenConsumeSlowly: 1, NotifyConsumerIdsChangedEnable: true,
	}
}

// groupTable is the subscription group table, persisted as
// config/subscriptionGroup.json.
type groupTable struct {
	path string

	mu      sync.RWMutex
	groups  map[string]GroupConfig
	version route.DataVersion
}

type groupFile struct {
	SubscriptionGroupTable map[string]GroupConfig `json:"subscriptionGroupTable"`
	DataVersion            route.DataVersion      `json:"dataVersion"`
}

func openGroupTable(root string) (*groupTable, error) {
	t := &groupTable{path: filepath.Join(root, "config", "subscriptionGroup.json"), groups: map[string]GroupConfig{}}
	var f groupFile
	if err := loadJSON(t.path, &f); err != nil {
		return nil, err
	}
	if f.SubscriptionGroupTable != nil {
		t.groups = f.SubscriptionGroupTable
	}
	t.version = f.DataVersion
	return t, nil
}

func (t *groupTable) get(name string) (GroupConfig, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	g, ok := t.groups[name]
	return g, ok
}

// ensure returns the group's config, creating the default one when
// create is set and the group is unknown.
func (t *groupTable) ensure(name string, create bool) (GroupConfig, bool, error) {
	if g, ok := t.get(name); ok || !create {
		return g, ok, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if g, ok := t.groups[name]; ok {
		return g, true, nil
	}
	g := newGroupConfig(name)
	t.groups[name] = g
	return g, true, t.saveLocked()
}

func (t *groupTable) put(g GroupConfig) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.groups[g.GroupName] = g
	return t.saveLocked()
}

func (t *groupTable) remove(name string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.groups, name)
	return t.saveLocked()
}

func (t *groupTable) saveLocked() error {
	t.version.Counter++
	t.version.Timestamp = time.Now().UnixMilli()
	return saveJSON(t.path, groupFile{SubscriptionGroupTable: t.groups, DataVersion: t.version})
}

func (t *groupTable) snapshot() groupFile {
	t.mu.RLock()
	defer t.mu.RUnlock()
	f := groupFile{SubscriptionGroupTable: make(map[string]GroupConfig, len(t.groups)), DataVersion: t.version}
	for k, v := range t.groups {
		f.SubscriptionGroupTable[k] = v
	}
	return f
}

func (t *groupTable) names() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	names := make([]string, 0, len(t.groups))
	for n := range t.groups {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
