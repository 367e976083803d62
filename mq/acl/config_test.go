package acl

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// javaSample is Apache RocketMQ 4.9's distribution/conf/plain_acl.yml.
const javaSample = `
globalWhiteRemoteAddresses:
  - 10.10.103.*
  - 192.168.0.*

accounts:
  - accessKey: RocketMQ
    secretKey: 12345678
    whiteRemoteAddress:
    admin: false
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
      - topicA=DENY
      - topicB=PUB|SUB
      - topicC=SUB
    groupPerms:
      # the group should convert to retry topic
      - groupA=DENY
      - groupB=PUB|SUB
      - groupC=SUB

  - accessKey: rocketmq2
    secretKey: 12345678
    whiteRemoteAddress: 192.168.1.*
    # if it is admin, it could access all resources
    admin: true
`

func TestLoadJavaSample(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plain_acl.yml")
	if err := os.WriteFile(path, []byte(javaSample+"dataVersion:\n  - counter: 1\n    timestamp: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	a := v.accounts["RocketMQ"]
	if a == nil || a.secretKey != "12345678" || a.admin || a.white != nil ||
		a.defaultTopic != Deny || a.defaultGroup != Sub ||
		a.topics["topicB"] != Pub|Sub || a.topics["topicC"] != Sub || a.groups["groupA"] != Deny {
		t.Fatalf("RocketMQ account = %+v", a)
	}
	a2 := v.accounts["rocketmq2"]
	if a2 == nil || !a2.admin || a2.white == nil || a2.defaultTopic != Deny || a2.topics != nil {
		t.Fatalf("rocketmq2 account = %+v", a2)
	}
	if v.global == nil {
		t.Fatal("no global whitelist")
	}
}

func TestLoadErrors(t *testing.T) {
	account := func(extra string) string {
		return "accounts:\n  - accessKey: RocketMQ\n    secretKey: \"12345678\"\n" + extra
	}
	tests := []struct {
		name, yml, want string
	}{
		{"not yaml", "accounts: [", "yaml"},
		{"unknown key", "globalWhiteRemoteAddress:\n  - 1.1.1.1\n", "globalWhiteRemoteAddress"},
		{"unknown account key", account("    admn: true\n"), "admn"},
		{"short access key", "accounts:\n  - accessKey: abc\n    secretKey: \"12345678\"\n", "longer than 6"},
		{"short secret key", "accounts:\n  - accessKey: RocketMQ\n    secretKey: \"123\"\n", "longer than 6"},
		{"duplicate account", account("") + "  - accessKey: RocketMQ\n    secretKey: \"87654321\"\n", "listed twice"},
		{"bad default perm", account("    defaultTopicPerm: READ\n"), "READ"},
		{"bad resource perm", account("    topicPerms:\n      - t=PUBSUB\n"), "PUBSUB"},
		{"resource without perm", account("    groupPerms:\n      - g\n"), "name=PERM"},
		{"duplicate resource", account("    topicPerms:\n      - t=PUB\n      - t=SUB\n"), "listed twice"},
		{"retry topic perm", account("    topicPerms:\n      - \"%RETRY%g=SUB\"\n"), "retry topic"},
		{"bad account address", account("    whiteRemoteAddress: 192.168.1.300\n"), "192.168.1.300"},
		{"bad global address", "globalWhiteRemoteAddresses:\n  - 10.0.0.0/40\n", "10.0.0.0/40"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "plain_acl.yml")
			if err := os.WriteFile(path, []byte(tt.yml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("Load = %v; want ErrConfig naming %q and the file", err, tt.want)
			}
			if strings.Contains(err.Error(), "87654321") || strings.Contains(err.Error(), "12345678") {
				t.Fatalf("the error %q shows a secret key", err)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "absent.yml")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load = %v, want fs.ErrNotExist", err)
	}
}

func TestParseEmptyConfig(t *testing.T) {
	c, err := ParseConfig(nil)
	if err != nil || len(c.Accounts) != 0 {
		t.Fatalf("ParseConfig(nil) = %+v, %v", c, err)
	}
}
