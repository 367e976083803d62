package admin

import "errors"

// Sentinel errors; callers match them with errors.Is.
var (
	// ErrNoNamesrv means a call needs a NameServer and none was given.
	ErrNoNamesrv = errors.New("admin: no NameServer address")
	// ErrTopicNotFound means no NameServer knows a route for the topic.
	ErrTopicNotFound = errors.New("admin: topic not found")
	// ErrClusterNotFound means the NameServers know no such cluster.
	ErrClusterNotFound = errors.New("admin: cluster not found")
	// ErrNoBroker means a topic or cluster has no master broker to ask.
	ErrNoBroker = errors.New("admin: no master broker")
	// ErrNoConsumeStats means no broker holds progress for the group.
	ErrNoConsumeStats = errors.New("admin: no consume stats")
	// ErrClosed means the Client was closed.
	ErrClosed = errors.New("admin: client closed")
	// ErrBadMsgID means a string is not an offset message id (it may be a
	// UNIQ_KEY, which only a query by unique key finds).
	ErrBadMsgID = errors.New("admin: not an offset message id")
	// ErrMessageNotFound means no broker holds the message asked for.
	ErrMessageNotFound = errors.New("admin: message not found")
	// ErrProducerNotOnline means no broker has a connection of the
	// producer group.
	ErrProducerNotOnline = errors.New("admin: producer group not online")
)
