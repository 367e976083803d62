package acl

import (
	"fmt"
	"strings"

	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// Request codes that need an admin account besides those in package
// remoting.
const (
	updateBrokerConfig        = 25
	getBrokerConfig           = 26
	invokeBrokerToResetOffset = 222
)

// adminCodes need admin: true. Java's list (UPDATE_AND_CREATE_TOPIC,
// UPDATE_BROKER_CONFIG, DELETE_TOPIC_IN_BROKER,
// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, DELETE_SUBSCRIPTIONGROUP) plus the
// codes that dump the broker's whole configuration or every group's
// offsets, or reset offsets.
var adminCodes = map[remoting.RequestCode]bool{
	remoting.UpdateAndCreateTopic:          true,
	remoting.DeleteTopicInBroker:           true,
	remoting.UpdateAndCreateSubscription:   true,
	remoting.DeleteSubscriptionGroup:       true,
	remoting.GetAllSubscriptionGroupConfig: true,
	remoting.GetAllTopicConfig:             true,
	remoting.GetAllConsumerOffset:          true,
	remoting.GetAllDelayOffset:             true,
	updateBrokerConfig:                     true,
	getBrokerConfig:                        true,
	invokeBrokerToResetOffset:              true,
}

// IsAdminCode reports whether request code needs an admin account.
func IsAdminCode(code int16) bool { return adminCodes[remoting.RequestCode(code)] }

// Validator checks requests against the accounts of one Config. It is
// immutable and safe for concurrent use.
type Validator struct {
	global   addrMatcher // nil when there is no global whitelist
	accounts map[string]*account
}

type account struct {
	accessKey    string
	secretKey    string
	white        addrMatcher // nil when none
	admin        bool
	defaultTopic Perm
	defaultGroup Perm
	topics       map[string]Perm
	groups       map[string]Perm
}

// New checks c and returns its Validator.
func New(c Config) (*Validator, error) {
	v := &Validator{accounts: make(map[string]*account, len(c.Accounts))}
	var global anyOf
	for _, p := range c.GlobalWhiteRemoteAddresses {
		m, err := parseAddrPattern(p)
		if err != nil {
			return nil, fmt.Errorf("globalWhiteRemoteAddresses: %w", err)
		}
		if m != nil {
			global = append(global, m)
		}
	}
	if len(global) > 0 {
		v.global = global
	}
	for i, ac := range c.Accounts {
		a, err := newAccount(ac)
		if err != nil {
			return nil, fmt.Errorf("accounts[%d]: %w", i, err)
		}
		if v.accounts[a.accessKey] != nil {
			return nil, fmt.Errorf("%w: accounts[%d]: accessKey %s is listed twice", ErrConfig, i, a.accessKey)
		}
		v.accounts[a.accessKey] = a
	}
	return v, nil
}

func newAccount(ac Account) (*account, error) {
	// Java's rule; the secret key never goes into a message.
	if len(ac.AccessKey) <= 6 || len(ac.SecretKey) <= 6 {
		return nil, fmt.Errorf("%w: accessKey %q: accessKey and secretKey must be longer than 6 characters", ErrConfig, ac.AccessKey)
	}
	a := &account{accessKey: ac.AccessKey, secretKey: ac.SecretKey, admin: ac.Admin, defaultTopic: Deny, defaultGroup: Deny}
	fail := func(err error) (*account, error) {
		return nil, fmt.Errorf("accessKey %s: %w", ac.AccessKey, err)
	}
	var err error
	if a.white, err = parseAddrPattern(ac.WhiteRemoteAddress); err != nil {
		return fail(fmt.Errorf("whiteRemoteAddress: %w", err))
	}
	if strings.TrimSpace(ac.DefaultTopicPerm) != "" {
		if a.defaultTopic, err = ParsePerm(ac.DefaultTopicPerm); err != nil {
			return fail(fmt.Errorf("defaultTopicPerm: %w", err))
		}
	}
	if strings.TrimSpace(ac.DefaultGroupPerm) != "" {
		if a.defaultGroup, err = ParsePerm(ac.DefaultGroupPerm); err != nil {
			return fail(fmt.Errorf("defaultGroupPerm: %w", err))
		}
	}
	if a.topics, err = parseResourcePerms(ac.TopicPerms); err != nil {
		return fail(fmt.Errorf("topicPerms: %w", err))
	}
	for t := range a.topics {
		if strings.HasPrefix(t, route.RetryGroupPrefix) {
			// AddTopic checks a retry topic as its group: say so rather
			// than ignore the entry.
			return fail(fmt.Errorf("%w: topicPerms: %s is a retry topic; give its group a groupPerms entry", ErrConfig, t))
		}
	}
	if a.groups, err = parseResourcePerms(ac.GroupPerms); err != nil {
		return fail(fmt.Errorf("groupPerms: %w", err))
	}
	return a, nil
}

// parseResourcePerms parses "name=PERM" entries.
func parseResourcePerms(entries []string) (map[string]Perm, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	m := make(map[string]Perm, len(entries))
	for _, e := range entries {
		name, perm, ok := strings.Cut(e, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("%w: entry %q is not name=PERM", ErrConfig, e)
		}
		p, err := ParsePerm(perm)
		if err != nil {
			return nil, fmt.Errorf("entry %q: %w", e, err)
		}
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf("%w: %s is listed twice", ErrConfig, name)
		}
		m[name] = p
	}
	return m, nil
}

// Check decides whether a request may be served: remoteAddr is the
// client's address as net.Addr.String writes it, code the request code,
// ext and body the request's, and res what the request touches. It
// returns nil, or a *Denial; see the package doc for the order of checks.
func (v *Validator) Check(remoteAddr string, code int16, ext map[string]string, body []byte, res Resources) error {
	return v.check(remoteAddr, code, ext, body, res, IsAdminCode(code))
}

// CheckAdmin is Check for a request that needs an admin account whatever
// its code, such as one whose resources the caller cannot name.
func (v *Validator) CheckAdmin(remoteAddr string, code int16, ext map[string]string, body []byte, res Resources) error {
	return v.check(remoteAddr, code, ext, body, res, true)
}

func (v *Validator) check(remoteAddr string, code int16, ext map[string]string, body []byte, res Resources, needAdmin bool) error {
	addr, addrOK := hostOf(remoteAddr)
	if addrOK && v.global != nil && v.global.match(addr) {
		return nil
	}
	ak := ext[AccessKeyField]
	if ak == "" {
		return &Denial{Reason: ErrNoAccessKey, Code: code,
			Msg: fmt.Sprintf("No accessKey is configured (request code=%d from %s)", code, remoteAddr)}
	}
	a := v.accounts[ak]
	if a == nil {
		return &Denial{Reason: ErrUnknownAccessKey, AccessKey: ak, Code: code, Msg: "No acl config for " + ak}
	}
	if addrOK && a.white != nil && a.white.match(addr) {
		return nil
	}
	if !verify(a.secretKey, ext, body) {
		return &Denial{Reason: ErrBadSignature, AccessKey: ak, Code: code,
			Msg: "Check signature failed for accessKey=" + ak}
	}
	if needAdmin && !a.admin {
		return &Denial{Reason: ErrNotAdmin, AccessKey: ak, Code: code,
			Msg: fmt.Sprintf("Need admin permission for request code=%d, but accessKey=%s is not admin", code, ak)}
	}
	if a.admin && a.topics == nil && a.groups == nil {
		return nil
	}
	for _, r := range res {
		if msg, ok := a.allows(r); !ok {
			return &Denial{Reason: ErrResourceDenied, AccessKey: ak, Code: code, Msg: msg}
		}
	}
	return nil
}

// allows checks one resource; when it is refused it also returns why.
func (a *account) allows(r Resource) (string, bool) {
	explicit, def, defName := a.topics, a.defaultTopic, "defaultTopicPerm"
	if r.Kind == Group {
		explicit, def, defName = a.groups, a.defaultGroup, "defaultGroupPerm"
	}
	if owned, ok := explicit[r.Name]; ok {
		if allows(owned, r.Perm) {
			return "", true
		}
		return fmt.Sprintf("No %s %s permission for accessKey=%s: %s=%s",
			r.Kind, r.Perm, a.accessKey, r.Name, owned), false
	}
	if allows(def, r.Perm) {
		return "", true
	}
	return fmt.Sprintf("No default %s %s permission for accessKey=%s (%s=%s, %s=%s)",
		r.Kind, r.Perm, a.accessKey, r.Kind, r.Name, defName, def), false
}
