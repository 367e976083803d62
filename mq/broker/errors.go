package broker

import "errors"

// Sentinel errors of the broker.
var (
	// ErrInvalidOptions means Options failed validation.
	ErrInvalidOptions = errors.New("broker: invalid options")
	// ErrTopicNotFound means a topic is not configured on this broker.
	ErrTopicNotFound = errors.New("broker: topic not found")
	// ErrConfigFile means a persisted table could not be read or written.
	ErrConfigFile = errors.New("broker: config file")
)
