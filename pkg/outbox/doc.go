// Package outbox implements the transactional outbox: a use case adds the
// events it decides in the same database transaction as its state change
// (Add), and a Relay sends the committed rows to the broker afterwards.
//
// Delivery is at least once. The relay deletes a row only after Send
// succeeded, so no row is ever lost; a crash (or a failed delete) between
// the send and the delete sends that row again on the next round, and two
// relays on the same table (two replicas of a service) may both send a row.
// Consumers deduplicate with db.Claim on the event id.
//
// Rows are sent in id order, one at a time; a row that keeps failing holds
// back the rows after it (the relay backs off from 100ms up to 2s between
// attempts), which keeps the per-table order of events.
package outbox
