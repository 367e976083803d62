package acl

import (
	"fmt"
	"strings"

	"github.com/sagashop/sagashop/mq/route"
)

// Perm is a permission: what an account owns on a resource, or what a
// request needs. The bits are Java's (acl Permission).
type Perm uint8

// Permissions.
const (
	// Deny owns nothing; it overrides any other bit.
	Deny Perm = 1 << iota
	// Any is only ever needed: Pub or Sub satisfies it.
	Any
	// Pub allows sending to a topic.
	Pub
	// Sub allows consuming from a topic, or acting for a consumer group.
	Sub
)

// ParsePerm parses DENY, PUB, SUB, PUB|SUB or SUB|PUB, ignoring case and
// surrounding spaces.
func ParsePerm(s string) (Perm, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "DENY":
		return Deny, nil
	case "PUB":
		return Pub, nil
	case "SUB":
		return Sub, nil
	case "PUB|SUB", "SUB|PUB":
		return Pub | Sub, nil
	}
	return 0, fmt.Errorf("%w: permission %q is not DENY, PUB, SUB or PUB|SUB", ErrConfig, s)
}

// String spells p as plain_acl.yml does; Any is "PUB or SUB".
func (p Perm) String() string {
	switch {
	case p&Deny != 0:
		return "DENY"
	case p&Any != 0:
		return "PUB or SUB"
	case p&(Pub|Sub) == Pub|Sub:
		return "PUB|SUB"
	case p&Pub != 0:
		return "PUB"
	case p&Sub != 0:
		return "SUB"
	}
	return fmt.Sprintf("Perm(%d)", uint8(p))
}

// allows reports whether owning owned satisfies needed (Java's
// Permission.checkPermission, except that needing Pub|Sub needs both). A
// need without Pub, Sub or Any is never satisfied.
func allows(owned, needed Perm) bool {
	if owned&Deny != 0 {
		return false
	}
	if needed&Any != 0 {
		return owned&(Pub|Sub) != 0
	}
	want := needed & (Pub | Sub)
	return want != 0 && owned&want == want
}

// Kind says whether a Resource is a topic or a group.
type Kind uint8

// Resource kinds.
const (
	Topic Kind = iota + 1
	Group
)

func (k Kind) String() string {
	if k == Group {
		return "group"
	}
	return "topic"
}

// Resource is a topic or group a request touches and the permission it
// needs there: Pub, Sub, Pub|Sub (both) or Any.
type Resource struct {
	Kind Kind
	Name string
	Perm Perm
}

// Resources lists what one request touches. The broker fills it from the
// request code; Check requires every entry.
type Resources []Resource

// AddTopic adds topic with perm. A %RETRY%<group> topic belongs to its
// consumer group, so it adds the group with Sub instead, as Java does.
func (rs *Resources) AddTopic(topic string, perm Perm) {
	if group, ok := strings.CutPrefix(topic, route.RetryGroupPrefix); ok {
		rs.AddGroup(group, Sub)
		return
	}
	*rs = append(*rs, Resource{Kind: Topic, Name: topic, Perm: perm})
}

// AddGroup adds a group with perm: Sub for a consumer group, Any for a
// producer group.
func (rs *Resources) AddGroup(group string, perm Perm) {
	*rs = append(*rs, Resource{Kind: Group, Name: group, Perm: perm})
}
