package namesrv

import (
	"sync"
	"time"

	"github.com/sagashop/sagashop/mq/route"
)

// MasterID is the broker id of a group's master; slaves have 1 and up.
const MasterID int64 = 0

// Broker identifies one registered member of a broker group.
type Broker struct {
	Cluster string
	Name    string
	ID      int64
	Addr    string
}

// Registration is one decoded REGISTER_BROKER request.
type Registration struct {
	Broker
	// HAServerAddr is where slaves replicate from; a slave gets its
	// master's back in the reply.
	HAServerAddr string
	// Topics is the broker's whole topic table by topic name. Nil means a
	// heartbeat that leaves the routes as they are; an empty non-nil map
	// means the broker serves no topics.
	Topics map[string]route.TopicConfig
	// ConnID is the remoting.Conn ID the registration came on; closing
	// that connection removes the member. 0 ties it to no connection.
	ConnID uint64
}

// RegisterResult reports what a registration changed.
type RegisterResult struct {
	// New is true when the member was not registered before.
	New bool
	// TopicsChanged counts the topics whose queue data the registration
	// added, changed or removed.
	TopicsChanged int
	// MasterAddr and MasterHAServerAddr are the group master's addresses,
	// filled for a slave's registration when the master is registered.
	MasterAddr         string
	MasterHAServerAddr string
}

// RouteTable is the NameServer's state: topics, broker groups, clusters
// and live members. It is safe for concurrent use.
//
// Every method takes mu itself; helpers named *Locked need mu held for
// writing. mu is the only lock in the package and nothing is called out
// while it is held.
type RouteTable struct {
	mu       sync.RWMutex
	topics   map[string]map[string]route.QueueData // topic → brokerName → queues
	groups   map[string]*group                     // brokerName → members
	clusters map[string]map[string]struct{}        // cluster → brokerNames
	live     map[string]*member                    // brokerAddr → member
}

type group struct {
	cluster string
	addrs   map[int64]string // broker id → address
}

type member struct {
	Broker
	haAddr   string
	lastSeen time.Time
	connID   uint64
}

// NewRouteTable returns an empty table.
func NewRouteTable() *RouteTable {
	return &RouteTable{
		topics:   map[string]map[string]route.QueueData{},
		groups:   map[string]*group{},
		clusters: map[string]map[string]struct{}{},
		live:     map[string]*member{},
	}
}

// Register adds or refreshes reg's member, stamped with now. A master's
// topic table, when present, replaces its group's queue data.
func (t *RouteTable) Register(reg Registration, now time.Time) RegisterResult {
	t.mu.Lock()
	defer t.mu.Unlock()
	var res RegisterResult

	m := t.live[reg.Addr]
	if m != nil && (m.Name != reg.Name || m.Cluster != reg.Cluster) {
		// The address now belongs to another group: forget the old one.
		t.removeLocked(reg.Addr)
		m = nil
	}
	g := t.groups[reg.Name]
	if g == nil {
		g = &group{cluster: reg.Cluster, addrs: map[int64]string{}}
		t.groups[reg.Name] = g
	}
	if g.cluster != reg.Cluster {
		t.leaveClusterLocked(g.cluster, reg.Name)
		g.cluster = reg.Cluster
	}
	names := t.clusters[reg.Cluster]
	if names == nil {
		names = map[string]struct{}{}
		t.clusters[reg.Cluster] = names
	}
	names[reg.Name] = struct{}{}

	if m != nil && m.ID != reg.ID && g.addrs[m.ID] == reg.Addr {
		// Same address, new id (a slave promoted to master, as Java's
		// "switch slave to master"). The group keeps its queue data.
		delete(g.addrs, m.ID)
	}
	if old, ok := g.addrs[reg.ID]; ok && old != reg.Addr {
		// Another address held this id (a restart on a new address); it
		// is no member any more.
		if om := t.live[old]; om != nil && om.Name == reg.Name && om.ID == reg.ID {
			delete(t.live, old)
		}
	}
	g.addrs[reg.ID] = reg.Addr

	if m == nil {
		m = &member{}
		t.live[reg.Addr] = m
		res.New = true
	}
	m.Broker, m.haAddr, m.lastSeen, m.connID = reg.Broker, reg.HAServerAddr, now, reg.ConnID

	if reg.ID == MasterID && reg.Topics != nil {
		res.TopicsChanged = t.replaceTopicsLocked(reg.Name, reg.Topics)
	}
	if reg.ID != MasterID {
		if addr := g.addrs[MasterID]; addr != "" {
			res.MasterAddr = addr
			if mm := t.live[addr]; mm != nil {
				res.MasterHAServerAddr = mm.haAddr
			}
		}
	}
	return res
}

// replaceTopicsLocked makes topics the queue data of brokerName and
// returns how many topics changed.
func (t *RouteTable) replaceTopicsLocked(brokerName string, topics map[string]route.TopicConfig) int {
	changed := 0
	for topic, qs := range t.topics {
		if _, keep := topics[topic]; keep {
			continue
		}
		if _, ok := qs[brokerName]; ok {
			delete(qs, brokerName)
			changed++
			if len(qs) == 0 {
				delete(t.topics, topic)
			}
		}
	}
	for topic, tc := range topics {
		if topic == "" {
			continue
		}
		qd := route.QueueData{
			BrokerName:     brokerName,
			ReadQueueNums:  tc.ReadQueueNums,
			WriteQueueNums: tc.WriteQueueNums,
			Perm:           tc.Perm,
			TopicSysFlag:   tc.TopicSysFlag,
		}
		qs := t.topics[topic]
		if qs == nil {
			qs = map[string]route.QueueData{}
			t.topics[topic] = qs
		}
		if old, ok := qs[brokerName]; !ok || old != qd {
			qs[brokerName] = qd
			changed++
		}
	}
	return changed
}

// Unregister removes b's member when the table has it under that name and
// id, and reports whether it did.
func (t *RouteTable) Unregister(b Broker) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.live[b.Addr]
	if m == nil || m.Name != b.Name || m.ID != b.ID {
		return false
	}
	t.removeLocked(b.Addr)
	return true
}

// RemoveConn removes every member registered over connection connID and
// returns them.
func (t *RouteTable) RemoveConn(connID uint64) []Broker {
	if connID == 0 {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var gone []Broker
	for addr, m := range t.live {
		if m.connID == connID {
			gone = append(gone, m.Broker)
			t.removeLocked(addr)
		}
	}
	sortBrokers(gone)
	return gone
}

// Expire removes every member whose last registration is before deadline
// and returns them.
func (t *RouteTable) Expire(deadline time.Time) []Broker {
	t.mu.Lock()
	defer t.mu.Unlock()
	var gone []Broker
	for addr, m := range t.live {
		if m.lastSeen.Before(deadline) {
			gone = append(gone, m.Broker)
			t.removeLocked(addr)
		}
	}
	sortBrokers(gone)
	return gone
}

// DeleteTopic removes topic's route and reports whether it existed. The
// next registration of a broker that still has the topic brings it back.
func (t *RouteTable) DeleteTopic(topic string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.topics[topic]
	delete(t.topics, topic)
	return ok
}

// removeLocked drops the member at addr; when its group has no member
// left, the group leaves its cluster and takes its queue data with it.
func (t *RouteTable) removeLocked(addr string) {
	m := t.live[addr]
	if m == nil {
		return
	}
	delete(t.live, addr)
	g := t.groups[m.Name]
	if g == nil {
		return
	}
	if g.addrs[m.ID] == addr {
		delete(g.addrs, m.ID)
	}
	if len(g.addrs) > 0 {
		return
	}
	delete(t.groups, m.Name)
	t.leaveClusterLocked(g.cluster, m.Name)
	for topic, qs := range t.topics {
		delete(qs, m.Name)
		if len(qs) == 0 {
			delete(t.topics, topic)
		}
	}
}

func (t *RouteTable) leaveClusterLocked(cluster, brokerName string) {
	names := t.clusters[cluster]
	delete(names, brokerName)
	if len(names) == 0 {
		delete(t.clusters, cluster)
	}
}
