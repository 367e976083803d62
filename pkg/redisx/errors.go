package redisx

import "errors"

// ErrUnavailable is returned by New when the server does not answer PING.
var ErrUnavailable = errors.New("redisx: server unavailable")
