package event

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// MaxOrderSNLen is the longest order_sn an envelope may carry, so that an
// event id fits the dedup table's 160-character column.
const MaxOrderSNLen = 100

// Envelope is every message body (JSON).
type Envelope struct {
	// EventID is ID(Type, OrderSN, Version); it is also a message key.
	EventID string `json:"event_id"`
	// Type is the event type; its topic and tag route the message.
	Type Type `json:"type"`
	// OrderSN is the order the event is about; it is also a message key.
	OrderSN string `json:"order_sn"`
	// Version is the version of the emitting aggregate after the change,
	// at least 1.
	Version int64 `json:"version"`
	// OccurredAt is when the change was decided, in UTC.
	OccurredAt time.Time `json:"occurred_at"`
	// Payload is the type's payload as a JSON object.
	Payload json.RawMessage `json:"payload"`
}

// ID returns the event id of the event of type t that leaves the order's
// aggregate at version: "order:created/<sn>/<version>". It is
// deterministic so that a retried decision re-sends the same id.
func ID(t Type, orderSN string, version int64) string {
	return string(t) + "/" + orderSN + "/" + strconv.FormatInt(version, 10)
}

// New returns the envelope of an event of type t about orderSN at version,
// decided at at, with payload marshalled to JSON (nil gives {}). It fails,
// wrapping ErrMalformed, when the result would not pass Decode.
func New(t Type, orderSN string, version int64, at time.Time, payload any) (Envelope, error) {
	raw := json.RawMessage("{}")
	if payload != nil {
		b, err := marshal(payload)
		if err != nil {
			return Envelope{}, fmt.Errorf("%w: %s payload: %w", ErrMalformed, t, err)
		}
		raw = b
	}
	e := Envelope{
		EventID:    ID(t, orderSN, version),
		Type:       t,
		OrderSN:    orderSN,
		Version:    version,
		OccurredAt: at.UTC(),
		Payload:    raw,
	}
	if err := e.validate(); err != nil {
		return Envelope{}, err
	}
	return e, nil
}

// Keys returns the message keys of e: its event id and its order_sn.
func (e Envelope) Keys() []string { return []string{e.EventID, e.OrderSN} }

// Unmarshal decodes e's payload into v. Fields v does not know are
// ignored, so a newer producer may add some; a payload that does not fit v
// gives an error wrapping ErrMalformed.
func (e Envelope) Unmarshal(v any) error {
	if err := json.Unmarshal(e.Payload, v); err != nil {
		return fmt.Errorf("%w: %s %s payload: %w", ErrMalformed, e.Type, e.EventID, err)
	}
	return nil
}

// marshal encodes v as JSON without HTML escaping and without the trailing
// newline, so that encoding a decoded envelope gives the same bytes again.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
