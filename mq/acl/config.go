package acl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"
)

// Config is the content of a plain_acl.yml file.
type Config struct {
	// GlobalWhiteRemoteAddresses pass every request from these addresses.
	GlobalWhiteRemoteAddresses []string `yaml:"globalWhiteRemoteAddresses"`
	// Accounts are the access keys the broker knows.
	Accounts []Account `yaml:"accounts"`
	// DataVersion is written by Java's updateAclConfig and ignored here.
	DataVersion any `yaml:"dataVersion,omitempty"`
}

// Account is one accessKey and what it may do.
type Account struct {
	// AccessKey names the account; longer than 6 characters.
	AccessKey string `yaml:"accessKey"`
	// SecretKey keys the signature; longer than 6 characters.
	SecretKey string `yaml:"secretKey"`
	// WhiteRemoteAddress passes this account's requests from matching
	// addresses without checking signature or permissions; "" for none.
	WhiteRemoteAddress string `yaml:"whiteRemoteAddress"`
	// Admin allows the admin request codes.
	Admin bool `yaml:"admin"`
	// DefaultTopicPerm applies to topics not in TopicPerms; "" is DENY.
	DefaultTopicPerm string `yaml:"defaultTopicPerm"`
	// DefaultGroupPerm applies to groups not in GroupPerms; "" is DENY.
	DefaultGroupPerm string `yaml:"defaultGroupPerm"`
	// TopicPerms are "topic=PERM" entries.
	TopicPerms []string `yaml:"topicPerms"`
	// GroupPerms are "group=PERM" entries.
	GroupPerms []string `yaml:"groupPerms"`
}

// ParseConfig decodes a plain_acl.yml document. Unknown keys are errors;
// the values are checked by New.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return c, nil
}

// Load reads and checks the ACL file at path.
func Load(path string) (*Validator, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("acl: load: %w", err)
	}
	c, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	v, err := New(c)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return v, nil
}
