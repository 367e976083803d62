package route

import (
	"errors"
	"fmt"
	"strings"
)

// Permission bits of a topic (Java PermName).
const (
	PermPriority = 8
	PermRead     = 4
	PermWrite    = 2
	PermInherit  = 1
)

// Names of the topics the broker manages itself.
const (
	DefaultTopic        = "TBW102"
	ScheduleTopic       = "SCHEDULE_TOPIC_XXXX"
	TransHalfTopic      = "RMQ_SYS_TRANS_HALF_TOPIC"
	TransOpHalfTopic    = "RMQ_SYS_TRANS_OP_HALF_TOPIC"
	TransCheckMaxTopic  = "TRANS_CHECK_MAX_TIME_TOPIC"
	TraceTopic          = "RMQ_SYS_TRACE_TOPIC"
	SelfTestTopic       = "SELF_TEST_TOPIC"
	ReplyTopicSuffix    = "_REPLY_TOPIC"
	RetryGroupPrefix    = "%RETRY%"
	DLQGroupPrefix      = "%DLQ%"
	DefaultClusterName  = "DefaultCluster"
	MaxTopicLength      = 127
	MaxGroupLength      = 255
	defaultFilterType   = "SINGLE_TAG"
	topicNameCharacters = "%|-_"
)

// RetryTopic is the retry topic of a consumer group.
func RetryTopic(group string) string { return RetryGroupPrefix + group }

// DLQTopic is the dead-letter topic of a consumer group.
func DLQTopic(group string) string { return DLQGroupPrefix + group }

// IsRetryTopic reports whether topic is a %RETRY% topic.
func IsRetryTopic(topic string) bool { return strings.HasPrefix(topic, RetryGroupPrefix) }

// IsDLQTopic reports whether topic is a %DLQ% topic.
func IsDLQTopic(topic string) bool { return strings.HasPrefix(topic, DLQGroupPrefix) }

// IsSystemTopic reports whether users may not send to topic directly.
func IsSystemTopic(topic string) bool {
	switch topic {
	case DefaultTopic, ScheduleTopic, TransHalfTopic, TransOpHalfTopic, TransCheckMaxTopic, SelfTestTopic:
		return true
	}
	return false
}

// ErrBadName means a topic or group name breaks RocketMQ's rules.
var ErrBadName = errors.New("route: bad name")

// ValidateTopic applies Java's rule: 1 to 127 characters of [%|a-zA-Z0-9_-].
func ValidateTopic(topic string) error { return validateName("topic", topic, MaxTopicLength) }

// ValidateGroup applies the same character rule to a group, up to 255.
func ValidateGroup(group string) error { return validateName("group", group, MaxGroupLength) }

func validateName(kind, name string, max int) error {
	if name == "" {
		return fmt.Errorf("%w: %s name is empty", ErrBadName, kind)
	}
	if len(name) > max {
		return fmt.Errorf("%w: %s name has %d characters, more than %d", ErrBadName, kind, len(name), max)
	}
	for _, r := range name {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune(topicNameCharacters, r)) {
			return fmt.Errorf("%w: %s %q has the character %q; allowed are ASCII letters, digits and %%|_-", ErrBadName, kind, name, r)
		}
	}
	return nil
}

// TopicConfig is a topic's configuration on one broker (Java TopicConfig).
type TopicConfig struct {
	TopicName       string `json:"topicName"`
	ReadQueueNums   int    `json:"readQueueNums"`
	WriteQueueNums  int    `json:"writeQueueNums"`
	Perm            int    `json:"perm"`
	TopicFilterType string `json:"topicFilterType"`
	TopicSysFlag    int    `json:"topicSysFlag"`
	Order           bool   `json:"order"`
}

// NewTopicConfig returns a topic with n read and write queues and perm.
func NewTopicConfig(name string, n, perm int) TopicConfig {
	return TopicConfig{TopicName: name, ReadQueueNums: n, WriteQueueNums: n, Perm: perm, TopicFilterType: defaultFilterType}
}

// Readable reports whether the READ bit is set.
func (t TopicConfig) Readable() bool { return t.Perm&PermRead != 0 }

// Writable reports whether the WRITE bit is set.
func (t TopicConfig) Writable() bool { return t.Perm&PermWrite != 0 }
