package event

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Encode returns e as JSON, the body of its message. An envelope that
// Decode would refuse gives an error wrapping ErrMalformed instead.
func Encode(e Envelope) ([]byte, error) {
	if err := e.validate(); err != nil {
		return nil, err
	}
	b, err := marshal(e)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, e.EventID, err)
	}
	return b, nil
}

// Decode parses a message body. It is strict about what the saga relies
// on: bad JSON, an unknown type, an empty or malformed event_id or
// order_sn, a version below 1, a missing occurred_at, or a payload that is
// not a JSON object give an error wrapping ErrMalformed. Unknown envelope
// fields are ignored so that a newer producer can add one without its
// messages ending in the dead-letter queue. The payload is returned
// compacted and occurred_at in UTC, so Encode(Decode(b)) is stable.
func Decode(b []byte) (Envelope, error) {
	var e Envelope
	if err := json.Unmarshal(b, &e); err != nil {
		return Envelope{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	e.OccurredAt = e.OccurredAt.UTC()
	if len(e.Payload) > 0 {
		var buf bytes.Buffer
		if err := json.Compact(&buf, e.Payload); err != nil {
			return Envelope{}, fmt.Errorf("%w: payload: %w", ErrMalformed, err)
		}
		e.Payload = buf.Bytes()
	}
	if err := e.validate(); err != nil {
		return Envelope{}, err
	}
	return e, nil
}

// validate checks the rules Decode enforces.
func (e Envelope) validate() error {
	switch {
	case !e.Type.Valid():
		return fmt.Errorf("%w: unknown type %q", ErrMalformed, e.Type)
	case !ValidOrderSN(e.OrderSN):
		return fmt.Errorf("%w: order_sn %q must be 1 to %d printable ASCII characters without spaces or '/'",
			ErrMalformed, e.OrderSN, MaxOrderSNLen)
	case e.Version < 1:
		return fmt.Errorf("%w: version %d below 1", ErrMalformed, e.Version)
	case e.EventID != ID(e.Type, e.OrderSN, e.Version):
		return fmt.Errorf("%w: event_id %q is not %q", ErrMalformed, e.EventID, ID(e.Type, e.OrderSN, e.Version))
	case e.OccurredAt.IsZero():
		return fmt.Errorf("%w: %s: no occurred_at", ErrMalformed, e.EventID)
	case e.OccurredAt.Year() < 1 || e.OccurredAt.Year() > 9999:
		return fmt.Errorf("%w: %s: occurred_at %v outside years 1 to 9999", ErrMalformed, e.EventID, e.OccurredAt)
	case len(e.Payload) == 0 || e.Payload[0] != '{':
		return fmt.Errorf("%w: %s: payload is not a JSON object", ErrMalformed, e.EventID)
	}
	return nil
}

// ValidOrderSN reports whether sn can be both part of an event id and a
// message key: 1 to MaxOrderSNLen bytes of printable ASCII other than
// space (the KEYS separator) and '/' (the event id separator).
func ValidOrderSN(sn string) bool {
	if sn == "" || len(sn) > MaxOrderSNLen {
		return false
	}
	for i := 0; i < len(sn); i++ {
		if c := sn[i]; c <= ' ' || c > '~' || c == '/' {
			return false
		}
	}
	return true
}
