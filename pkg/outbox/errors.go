package outbox

import "errors"

var (
	// ErrBadRecord is returned by Add for a record the relay could not send.
	ErrBadRecord = errors.New("outbox: bad record")
	// ErrBadOptions is returned by NewRelay for unusable options.
	ErrBadOptions = errors.New("outbox: bad options")
	// ErrStarted is returned by Relay.Start when the relay was started (or stopped) before.
	ErrStarted = errors.New("outbox: relay already started")
)
