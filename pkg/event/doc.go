// Package event is the saga's event schema: the event types, the JSON
// envelope every message body carries, and the payload of each type.
//
// An event of type "order:created" travels on RocketMQ topic "order" with
// tag "created"; its message keys are the envelope's EventID and OrderSN,
// and its body is Encode(e). EventID is derived from (type, order_sn,
// version) by ID, so a decision that is retried re-sends the same id and
// consumers can deduplicate on it.
//
// The package is pure Go with no dependency beyond the standard library,
// so domain code may import it.
package event
