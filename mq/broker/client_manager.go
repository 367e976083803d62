package broker

import (
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/sagashop/sagashop/mq/remoting"
)

// member is one client connection in a producer or consumer group.
type member struct {
	clientID string
	lastSeen time.Time
}

// consumerGroup is the live state of a consumer group: its members and
// the subscriptions their heartbeats announced.
type consumerGroup struct {
	consumeType      string
	messageModel     string
	consumeFromWhere string
	subs             map[string]subscriptionData
	filters          map[string]*tagFilter
	filterErrs       map[string]error
	members          map[*remoting.Conn]*member
}

// clientManager tracks producer and consumer groups by connection, as the
// heartbeats report them. It is safe for concurrent use.
type clientManager struct {
	mu        sync.Mutex
	consumers map[string]*consumerGroup
	producers map[string]map[*remoting.Conn]*member
	// requesters maps the REPLY_TO_CLIENT id of request messages to the
	// connection they came on, for clients whose heartbeat has not
	// reached this broker yet (see noteRequester).
	requesters map[string]*remoting.Conn
}

func newClientManager() *clientManager {
	return &clientManager{
		consumers:  map[string]*consumerGroup{},
		producers:  map[string]map[*remoting.Conn]*member{},
		requesters: map[string]*remoting.Conn{},
	}
}

// noteRequester remembers that clientID sent a request message on c.
// Java finds a requester only by its heartbeat, but client v2.1.2
// heartbeats only brokers of topics it had sent to when its timer fired
// (1 s after start, then every 30 s): a request sent later than that first
// beat would get its reply refused for up to 30 s. The connection the
// request came on is the requester's own, so replies can go there.
func (m *clientManager) noteRequester(c *remoting.Conn, clientID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requesters[clientID] = c
}

// registerConsumer records a heartbeat of a consumer group member. It
// reports whether the group changed (a new member or new subscriptions),
// in which case every member should be told to rebalance.
func (m *clientManager) registerConsumer(c *remoting.Conn, clientID string, cd consumerData, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	g := m.consumers[cd.GroupName]
	if g == nil {
		g = &consumerGroup{members: map[*remoting.Conn]*member{}, subs: map[string]subscriptionData{}}
		m.consumers[cd.GroupName] = g
	}
	g.consumeType, g.messageModel, g.consumeFromWhere = cd.ConsumeType, cd.MessageModel, cd.ConsumeFromWhere
	changed := false
	if mb := g.members[c]; mb == nil {
		g.members[c] = &member{clientID: clientID, lastSeen: now}
		changed = true
	} else {
		mb.lastSeen = now
	}
	if g.updateSubscriptions(cd.SubscriptionDataSet) {
		changed = true
	}
	return changed
}

// updateSubscriptions replaces the group's subscriptions with subs when
// they differ, keeping an existing entry whose version is newer, as Java
// does. It reports whether anything changed.
func (g *consumerGroup) updateSubscriptions(subs []subscriptionData) bool {
	next := make(map[string]subscriptionData, len(subs))
	for _, s := range subs {
		if old, ok := g.subs[s.Topic]; ok && old.SubVersion > s.SubVersion {
			s = old
		}
		next[s.Topic] = s
	}
	if len(next) == len(g.subs) {
		same := true
		for t, s := range next {
			if old, ok := g.subs[t]; !ok || !sameSubscription(old, s) {
				same = false
				break
			}
		}
		if same {
			return false
		}
	}
	g.subs = next
	g.filters = make(map[string]*tagFilter, len(next))
	g.filterErrs = map[string]error{}
	for t, s := range next {
		f, err := s.filter()
		if err != nil {
			g.filterErrs[t] = err
			continue
		}
		g.filters[t] = f
	}
	return true
}

func sameSubscription(a, b subscriptionData) bool {
	return a.SubString == b.SubString && a.ExpressionType == b.ExpressionType &&
		a.ClassFilterMode == b.ClassFilterMode && slices.Equal(a.TagsSet, b.TagsSet)
}

func (m *clientManager) registerProducer(c *remoting.Conn, clientID, group string, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	g := m.producers[group]
	if g == nil {
		g = map[*remoting.Conn]*member{}
		m.producers[group] = g
	}
	if mb := g[c]; mb != nil {
		mb.lastSeen = now
		return
	}
	g[c] = &member{clientID: clientID, lastSeen: now}
}

// unregister removes c from the named groups ("" skips) and returns the
// consumer groups that lost a member.
func (m *clientManager) unregister(c *remoting.Conn, producerGroup, consumerGroup string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if g := m.producers[producerGroup]; g != nil {
		delete(g, c)
		if len(g) == 0 {
			delete(m.producers, producerGroup)
		}
	}
	if g := m.consumers[consumerGroup]; g != nil {
		if _, ok := g.members[c]; ok {
			m.removeMemberLocked(consumerGroup, g, c)
			return []string{consumerGroup}
		}
	}
	return nil
}

// removeConn drops c from every group and returns the consumer groups
// that lost a member.
func (m *clientManager) removeConn(c *remoting.Conn) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, rc := range m.requesters {
		if rc == c {
			delete(m.requesters, id)
		}
	}
	for name, g := range m.producers {
		delete(g, c)
		if len(g) == 0 {
			delete(m.producers, name)
		}
	}
	var changed []string
	for name, g := range m.consumers {
		if _, ok := g.members[c]; ok {
			m.removeMemberLocked(name, g, c)
			changed = append(changed, name)
		}
	}
	sort.Strings(changed)
	return changed
}

// removeMemberLocked drops one member; a group left empty is forgotten.
// m.mu must be held.
func (m *clientManager) removeMemberLocked(name string, g *consumerGroup, c *remoting.Conn) {
	delete(g.members, c)
	if len(g.members) == 0 {
		delete(m.consumers, name)
	}
}

// expired returns the connections whose last heartbeat is older than ttl.
func (m *clientManager) expired(now time.Time, ttl time.Duration) []*remoting.Conn {
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := map[*remoting.Conn]time.Time{}
	note := func(c *remoting.Conn, t time.Time) {
		if old, ok := seen[c]; !ok || t.After(old) {
			seen[c] = t
		}
	}
	for _, g := range m.producers {
		for c, mb := range g {
			note(c, mb.lastSeen)
		}
	}
	for _, g := range m.consumers {
		for c, mb := range g.members {
			note(c, mb.lastSeen)
		}
	}
	var out []*remoting.Conn
	for c, t := range seen {
		if now.Sub(t) > ttl {
			out = append(out, c)
		}
	}
	return out
}

// consumerIDs lists the client ids of a group's live members, sorted.
func (m *clientManager) consumerIDs(group string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	g := m.consumers[group]
	if g == nil {
		return nil
	}
	ids := make([]string, 0, len(g.members))
	for _, mb := range g.members {
		ids = append(ids, mb.clientID)
	}
	sort.Strings(ids)
	return slices.Compact(ids)
}

// consumerConns lists a group's member connections.
func (m *clientManager) consumerConns(group string) []*remoting.Conn {
	m.mu.Lock()
	defer m.mu.Unlock()
	g := m.consumers[group]
	if g == nil {
		return nil
	}
	conns := make([]*remoting.Conn, 0, len(g.members))
	for c := range g.members {
		conns = append(conns, c)
	}
	return conns
}

// subscription returns the filter a group registered for topic.
func (m *clientManager) subscription(group, topic string) (f *tagFilter, found bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	g := m.consumers[group]
	if g == nil {
		return nil, false, nil
	}
	if err := g.filterErrs[topic]; err != nil {
		return nil, true, err
	}
	f, found = g.filters[topic]
	return f, found, nil
}

// groupInfo is a snapshot of a consumer group for admin replies.
type groupInfo struct {
	name, consumeType, messageModel, consumeFromWhere string
	subs                                              []subscriptionData
	members                                           []connInfo
}

// connInfo describes one client connection.
type connInfo struct {
	clientID, addr string
	lastSeen       time.Time
}

func (m *clientManager) consumerGroupInfo(group string) (groupInfo, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	g := m.consumers[group]
	if g == nil {
		return groupInfo{}, false
	}
	gi := groupInfo{name: group, consumeType: g.consumeType, messageModel: g.messageModel, consumeFromWhere: g.consumeFromWhere}
	for _, s := range g.subs {
		gi.subs = append(gi.subs, s)
	}
	sort.Slice(gi.subs, func(i, j int) bool { return gi.subs[i].Topic < gi.subs[j].Topic })
	for c, mb := range g.members {
		gi.members = append(gi.members, connInfo{clientID: mb.clientID, addr: c.RemoteAddr().String(), lastSeen: mb.lastSeen})
	}
	sort.Slice(gi.members, func(i, j int) bool { return gi.members[i].clientID < gi.members[j].clientID })
	return gi, true
}

func (m *clientManager) producerInfo(group string) []connInfo {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []connInfo
	for c, mb := range m.producers[group] {
		out = append(out, connInfo{clientID: mb.clientID, addr: c.RemoteAddr().String(), lastSeen: mb.lastSeen})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].clientID < out[j].clientID })
	return out
}

// producerConns lists the connections of a producer group.
func (m *clientManager) producerConns(group string) []*remoting.Conn {
	m.mu.Lock()
	defer m.mu.Unlock()
	conns := make([]*remoting.Conn, 0, len(m.producers[group]))
	for c := range m.producers[group] {
		conns = append(conns, c)
	}
	return conns
}

// consumerGroups lists the names of live consumer groups.
func (m *clientManager) consumerGroups() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.consumers))
	for n := range m.consumers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// connByClientID finds a live connection of a client, for pushing replies.
func (m *clientManager) connByClientID(clientID string) *remoting.Conn {
	if clientID == "" {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, g := range m.producers {
		for c, mb := range g {
			if mb.clientID == clientID {
				return c
			}
		}
	}
	for _, g := range m.consumers {
		for c, mb := range g.members {
			if mb.clientID == clientID {
				return c
			}
		}
	}
	return m.requesters[clientID]
}
