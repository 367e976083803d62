package bench

import "errors"

// Sentinel errors; callers match them with errors.Is.
var (
	// ErrBadOptions means Options failed validation.
	ErrBadOptions = errors.New("bench: bad options")
	// ErrNoBroker means no broker address was given or found.
	ErrNoBroker = errors.New("bench: no broker")
	// ErrNothingToConsume means a drain found no backlog.
	ErrNothingToConsume = errors.New("bench: nothing to consume")
	// ErrAllFailed means not one request succeeded.
	ErrAllFailed = errors.New("bench: every request failed")
	// ErrNotDrained means the consumer did not catch up in DrainTimeout.
	ErrNotDrained = errors.New("bench: consumer did not catch up")
	// ErrVerifyFailed means the consumer did not see exactly the committed
	// messages of a transaction run.
	ErrVerifyFailed = errors.New("bench: verification failed")
)
