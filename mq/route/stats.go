package route

// The bodies below answer the broker's admin codes. RocketMQ's Java broker
// writes these tables with message queues as JSON object keys, which is
// not JSON; sagashop answers with lists instead and documents it here.

// QueueStats is one queue's offsets (GET_TOPIC_STATS_INFO, code 202).
type QueueStats struct {
	BrokerName          string `json:"brokerName"`
	QueueID             int32  `json:"queueId"`
	MinOffset           int64  `json:"minOffset"`
	MaxOffset           int64  `json:"maxOffset"`
	LastUpdateTimestamp int64  `json:"lastUpdateTimestamp"`
}

// TopicStats is the body of GET_TOPIC_STATS_INFO.
type TopicStats struct {
	Topic  string       `json:"topic"`
	Queues []QueueStats `json:"offsetTable"`
}

// QueueConsumeStats is a group's progress on one queue.
type QueueConsumeStats struct {
	Topic          string `json:"topic"`
	BrokerName     string `json:"brokerName"`
	QueueID        int32  `json:"queueId"`
	BrokerOffset   int64  `json:"brokerOffset"`
	ConsumerOffset int64  `json:"consumerOffset"`
	LastTimestamp  int64  `json:"lastTimestamp"`
}

// Lag is how many messages the group has yet to consume on the queue.
func (q QueueConsumeStats) Lag() int64 { return max(q.BrokerOffset-q.ConsumerOffset, 0) }

// ConsumeStats is the body of GET_CONSUME_STATS (code 208).
type ConsumeStats struct {
	Group  string              `json:"group"`
	Queues []QueueConsumeStats `json:"offsetTable"`
}

// Connection is one client connection in a group.
type Connection struct {
	ClientID   string `json:"clientId"`
	ClientAddr string `json:"clientAddr"`
	LastSeen   int64  `json:"lastSeen"`
}

// Subscription is a consumer group's subscription of one topic.
type Subscription struct {
	Topic          string `json:"topic"`
	SubString      string `json:"subString"`
	ExpressionType string `json:"expressionType"`
}

// ConsumerConnection is the body of GET_CONSUMER_CONNECTION_LIST (203).
type ConsumerConnection struct {
	Connections      []Connection   `json:"connectionSet"`
	Subscriptions    []Subscription `json:"subscriptionTable"`
	ConsumeType      string         `json:"consumeType"`
	MessageModel     string         `json:"messageModel"`
	ConsumeFromWhere string         `json:"consumeFromWhere"`
}

// ProducerConnection is the body of GET_PRODUCER_CONNECTION_LIST (204).
type ProducerConnection struct {
	Connections []Connection `json:"connectionSet"`
}

// TopicConfigTable is the body of GET_ALL_TOPIC_CONFIG (code 21).
type TopicConfigTable struct {
	TopicConfigTable map[string]TopicConfig `json:"topicConfigTable"`
	DataVersion      DataVersion            `json:"dataVersion"`
}
