package event

import "errors"

// ErrMalformed means an envelope is not valid: bad JSON, an unknown event
// type, an empty or malformed order_sn, a version below 1, a missing
// occurred_at, a payload that is not a JSON object, or an event_id that is
// not ID(type, order_sn, version). Decode and New wrap it with the detail.
var ErrMalformed = errors.New("event: malformed envelope")
