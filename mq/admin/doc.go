// Package admin is a client for administering a RocketMQ 4.x cluster, as
// Java's mqadmin and the Go client's admin package do: it lists topics and
// clusters from the NameServers, creates and deletes topics on brokers,
// reads queue offsets and consumer progress, finds messages by id and key,
// sends and pulls single messages, and inspects and redrives dead-letter
// queues, speaking the remoting protocol through mq/remoting.
//
// A Client dials lazily and keeps one connection per address; it is safe
// for concurrent use. Replies with a code other than SUCCESS become errors
// that wrap *remoting.ResponseError, so callers can match the code with
// errors.As.
package admin
