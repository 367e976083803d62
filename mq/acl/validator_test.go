package acl

import (
	"errors"
	"strings"
	"testing"
)

const testACL = `
globalWhiteRemoteAddresses:
  - 10.10.103.*
accounts:
  - accessKey: producer1
    secretKey: secret-p1
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms: [orders=PUB, audit=PUB|SUB, blocked=DENY]
    groupPerms: [evilGroup=DENY]
  - accessKey: consumer1
    secretKey: secret-c1
    defaultTopicPerm: SUB
    topicPerms: [secret=DENY]
    groupPerms: [billing=SUB]
  - accessKey: adminUser
    secretKey: secret-a1
    admin: true
  - accessKey: adminLimited
    secretKey: secret-a2
    admin: true
    topicPerms: [orders=SUB]
  - accessKey: trusted1
    secretKey: secret-t1
    whiteRemoteAddress: 192.168.1.1-100
`

func newTestValidator(t testing.TB) *Validator {
	t.Helper()
	c, err := ParseConfig([]byte(testACL))
	if err != nil {
		t.Fatal(err)
	}
	v, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// signed returns ext with the credentials the Go client would add.
func signed(ak, sk string, ext map[string]string, body []byte) map[string]string {
	out := map[string]string{AccessKeyField: ak}
	for k, v := range ext {
		out[k] = v
	}
	out[SignatureField] = Sign(sk, out, body)
	return out
}

func topics(kv ...any) Resources {
	var rs Resources
	for i := 0; i < len(kv); i += 3 {
		if kv[i].(Kind) == Group {
			rs.AddGroup(kv[i+1].(string), kv[i+2].(Perm))
		} else {
			rs.AddTopic(kv[i+1].(string), kv[i+2].(Perm))
		}
	}
	return rs
}

func TestCheck(t *testing.T) {
	v := newTestValidator(t)
	const (
		remote   = "172.16.0.9:40000"
		send     = 10
		pull     = 11
		create   = 17
		heartBea = 34
	)
	body := []byte("payload")
	p1 := func(ext map[string]string) map[string]string { return signed("producer1", "secret-p1", ext, body) }
	c1 := func(ext map[string]string) map[string]string { return signed("consumer1", "secret-c1", ext, body) }
	topicExt := map[string]string{"topic": "orders"}
	tests := []struct {
		name    string
		remote  string
		code    int16
		ext     map[string]string
		body    []byte
		res     Resources
		reason  error // nil: allowed
		message string
	}{
		{"global whitelist passes unsigned", "10.10.103.7:5", send, nil, body, topics(Topic, "blocked", Pub), nil, ""},
		{"global whitelist passes a bad signature", "10.10.103.7:5", send, map[string]string{"AccessKey": "producer1", "Signature": "x"}, body, nil, nil, ""},
		{"no access key", remote, send, topicExt, body, topics(Topic, "orders", Pub), ErrNoAccessKey, "No accessKey is configured (request code=10 from 172.16.0.9:40000)"},
		{"unsigned admin call of the Go admin client", remote, create, map[string]string{"topic": "newOne"}, nil, nil, ErrNoAccessKey, "No accessKey is configured"},
		{"unsigned admin call from the global whitelist", "10.10.103.1:5", create, map[string]string{"topic": "newOne"}, nil, nil, nil, ""},
		{"unknown access key", remote, send, signed("nobody12", "secret-p1", topicExt, body), body, nil, ErrUnknownAccessKey, "No acl config for nobody12"},
		{"wrong secret", remote, send, signed("producer1", "secret-xx", topicExt, body), body, topics(Topic, "orders", Pub), ErrBadSignature, "Check signature failed for accessKey=producer1"},
		{"missing signature", remote, send, map[string]string{"AccessKey": "producer1", "topic": "orders"}, body, nil, ErrBadSignature, "Check signature failed for accessKey=producer1"},
		{"tampered body", remote, send, p1(topicExt), []byte("payloaD"), nil, ErrBadSignature, "Check signature failed"},
		{"tampered field", remote, send, func() map[string]string { e := p1(topicExt); e["topic"] = "audit"; return e }(), body, nil, ErrBadSignature, "Check signature failed"},
		{"explicit PUB", remote, send, p1(topicExt), body, topics(Topic, "orders", Pub), nil, ""},
		{"default DENY topic", remote, send, p1(topicExt), body, topics(Topic, "other", Pub), ErrResourceDenied,
			"No default topic PUB permission for accessKey=producer1 (topic=other, defaultTopicPerm=DENY)"},
		{"explicit DENY topic", remote, send, p1(topicExt), body, topics(Topic, "blocked", Pub), ErrResourceDenied,
			"No topic PUB permission for accessKey=producer1: blocked=DENY"},
		{"PUB is not SUB", remote, pull, p1(topicExt), body, topics(Topic, "orders", Sub), ErrResourceDenied, "No topic SUB permission"},
		{"PUB|SUB needs both", remote, pull, p1(topicExt), body, topics(Topic, "audit", Pub|Sub, Topic, "orders", Pub|Sub), ErrResourceDenied, "orders=PUB"},
		{"producer group by default SUB", remote, heartBea, p1(nil), body, topics(Group, "pg", Any), nil, ""},
		{"producer group DENY", remote, heartBea, p1(nil), body, topics(Group, "evilGroup", Any), ErrResourceDenied,
			"No group PUB or SUB permission for accessKey=producer1: evilGroup=DENY"},
		{"pull with topic and group SUB", remote, pull, c1(topicExt), body, topics(Topic, "orders", Sub, Group, "billing", Sub), nil, ""},
		{"pull with a default DENY group", remote, pull, c1(topicExt), body, topics(Topic, "orders", Sub, Group, "other", Sub), ErrResourceDenied,
			"No default group SUB permission for accessKey=consumer1 (group=other, defaultGroupPerm=DENY)"},
		{"pull from a DENY topic", remote, pull, c1(topicExt), body, topics(Topic, "secret", Sub, Group, "billing", Sub), ErrResourceDenied, "secret=DENY"},
		{"SUB is not PUB", remote, send, c1(topicExt), body, topics(Topic, "orders", Pub), ErrResourceDenied, "No default topic PUB permission"},
		{"retry topic is its group", remote, send, c1(topicExt), body, topics(Topic, "%RETRY%billing", Pub), nil, ""},
		{"retry topic of another group", remote, send, c1(topicExt), body, topics(Topic, "%RETRY%other", Pub), ErrResourceDenied, "group=other"},
		{"admin code from a non-admin", remote, create, p1(map[string]string{"topic": "orders"}), body, nil, ErrNotAdmin,
			"Need admin permission for request code=17, but accessKey=producer1 is not admin"},
		{"GET_ALL_SUBSCRIPTIONGROUP_CONFIG from a non-admin", remote, 201, c1(nil), body, nil, ErrNotAdmin, "code=201"},
		{"admin code from an admin", remote, create, signed("adminUser", "secret-a1", map[string]string{"topic": "x"}, nil), nil, nil, nil, ""},
		{"admin without perms may touch anything", remote, send, signed("adminUser", "secret-a1", topicExt, body), body, topics(Topic, "any", Pub, Group, "g", Sub), nil, ""},
		{"admin with perms is checked", remote, send, signed("adminLimited", "secret-a2", topicExt, body), body, topics(Topic, "orders", Pub), ErrResourceDenied, "accessKey=adminLimited"},
		{"admin with perms keeps the admin codes", remote, create, signed("adminLimited", "secret-a2", nil, nil), nil, nil, nil, ""},
		{"account whitelist skips the signature", "192.168.1.50:9", send, map[string]string{"AccessKey": "trusted1"}, body, topics(Topic, "x", Pub), nil, ""},
		{"account whitelist is per address", "192.168.1.150:9", send, map[string]string{"AccessKey": "trusted1"}, body, nil, ErrBadSignature, "accessKey=trusted1"},
		{"java signature with a token", remote, send, func() map[string]string {
			e := map[string]string{"AccessKey": "producer1", "SecurityToken": "tok", "topic": "orders"}
			e["Signature"] = signJava("secret-p1", e, body)
			return e
		}(), body, topics(Topic, "orders", Pub), nil, ""},
		{"unparsable remote address is no whitelist", "garbage", send, nil, body, nil, ErrNoAccessKey, "from garbage"},
		{"need of nothing is refused", remote, send, p1(topicExt), body, Resources{{Kind: Topic, Name: "orders"}}, ErrResourceDenied, "orders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Check(tt.remote, tt.code, tt.ext, tt.body, tt.res)
			if tt.reason == nil {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrNoPermission) || !errors.Is(err, tt.reason) {
				t.Fatalf("Check = %v, want ErrNoPermission and %v", err, tt.reason)
			}
			if !strings.HasPrefix(err.Error(), "acl: no permission: ") || !strings.Contains(err.Error(), tt.message) {
				t.Fatalf("Check = %q, want it to contain %q", err, tt.message)
			}
			var d *Denial
			if !errors.As(err, &d) || d.Code != tt.code || d.AccessKey != tt.ext["AccessKey"] {
				t.Fatalf("Denial = %+v", d)
			}
		})
	}
}

func TestCheckAdmin(t *testing.T) {
	v := newTestValidator(t)
	const code = 33 // not an admin code by itself
	if err := v.Check("172.16.0.9:1", code, signed("consumer1", "secret-c1", nil, nil), nil, nil); err != nil {
		t.Fatalf("Check = %v", err)
	}
	err := v.CheckAdmin("172.16.0.9:1", code, signed("consumer1", "secret-c1", nil, nil), nil, nil)
	if !errors.Is(err, ErrNotAdmin) || !strings.Contains(err.Error(), "code=33") {
		t.Fatalf("CheckAdmin for a non-admin = %v, want ErrNotAdmin", err)
	}
	if err := v.CheckAdmin("172.16.0.9:1", code, signed("adminUser", "secret-a1", nil, nil), nil, nil); err != nil {
		t.Fatalf("CheckAdmin for an admin = %v", err)
	}
	if err := v.CheckAdmin("10.10.103.9:1", code, nil, nil, nil); err != nil {
		t.Fatalf("CheckAdmin from the global whitelist = %v", err)
	}
}

func TestPerm(t *testing.T) {
	tests := []struct {
		owned, needed Perm
		want          bool
	}{
		{Pub, Pub, true}, {Sub, Sub, true}, {Pub | Sub, Pub, true}, {Pub | Sub, Sub, true},
		{Pub, Sub, false}, {Sub, Pub, false}, {Deny, Pub, false}, {Deny | Pub, Pub, false},
		{Pub, Any, true}, {Sub, Any, true}, {Deny, Any, false}, {0, Any, false},
		{Pub | Sub, Pub | Sub, true}, {Pub, Pub | Sub, false}, {Pub | Sub, 0, false}, {Pub | Sub, Deny, false},
	}
	for _, tt := range tests {
		if got := allows(tt.owned, tt.needed); got != tt.want {
			t.Errorf("allows(%v, %v) = %v, want %v", tt.owned, tt.needed, got, tt.want)
		}
	}
	for in, want := range map[string]Perm{"DENY": Deny, "pub": Pub, " SUB ": Sub, "PUB|SUB": Pub | Sub, "SUB|PUB": Pub | Sub} {
		if got, err := ParsePerm(in); err != nil || got != want {
			t.Errorf("ParsePerm(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "ANY", "PUB SUB", "READ"} {
		if _, err := ParsePerm(in); !errors.Is(err, ErrConfig) {
			t.Errorf("ParsePerm(%q) = %v, want ErrConfig", in, err)
		}
	}
}

func TestIsAdminCode(t *testing.T) {
	for code, want := range map[int16]bool{17: true, 215: true, 200: true, 207: true, 201: true, 25: true, 10: false, 11: false, 34: false, 105: false} {
		if IsAdminCode(code) != want {
			t.Errorf("IsAdminCode(%d) = %v", code, !want)
		}
	}
}
