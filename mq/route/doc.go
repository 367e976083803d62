// Package route holds the topic and route types shared by the NameServer,
// the Broker and the admin tools, in the JSON shapes RocketMQ's clients
// read: TopicConfig, TopicRouteData, ClusterInfo and the broker
// registration body, plus topic and group name rules.
package route
