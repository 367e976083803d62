// Package namesrv is the RocketMQ NameServer: brokers register their topic
// tables with it (REGISTER_BROKER every 30 s) and clients ask it where a
// topic's queues live (GET_ROUTEINFO_BY_TOPIC).
//
// The state is a RouteTable, shaped like Java's RouteInfoManager:
//
//	topics   topic      → brokerName → QueueData
//	groups   brokerName → cluster and member addresses by broker id (0 = master)
//	clusters cluster    → brokerNames
//	live     brokerAddr → last registration time and connection
//
// A member leaves the table when it unregisters, when the connection it
// registered on closes, or when it has not registered for
// Options.BrokerExpiry. A broker group leaves with its last member, and
// takes its queue data with it; a topic with no queue data left is gone
// (GET_ROUTEINFO_BY_TOPIC answers TOPIC_NOT_EXIST).
//
// As in Java, only a master (broker id 0) sets its group's queue data; a
// slave's registration adds its address and is otherwise a heartbeat. A
// master's registration that carries a topic table replaces the group's
// queue data for every topic, so a topic the broker dropped loses it.
//
// Route bodies are compact JSON (route.TopicRouteData.Marshal), which the Go
// client's hand-written brokerAddrs parser requires.
package namesrv
