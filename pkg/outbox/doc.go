// Package outbox implements the transactional outbox: a use case adds the
// events it decides in the same database transaction as its state change
// (Add, or Relay.Add), and a Relay sends the committed rows to the broker
// afterwards.
//
// Relay.Add hands the inserted row to the relay in memory once the
// transaction commits (db.AfterCommit; a rolled-back row is never handed
// over), and the relay sends it without reading the table. It deletes the
// rows it sent in batches, one DELETE ... WHERE id IN (...) per run of
// sends. Reading the table is the backstop: at start, on Notify, every
// PollInterval, after a failure, and when a hand-off was dropped because
// the queue was full, the relay sends the rows of the table in id order;
// this also picks up the rows of a crashed process or of another process
// sharing the table.
//
// Delivery is at least once. The relay deletes a row only after Send
// succeeded, so no row is ever lost; a crash (or a failed delete) between
// the send and the delete sends that row again later, and two relays on the
// same table (two replicas of a service) may both send a row. Consumers
// deduplicate with db.Claim on the event id. Within one relay a row is not
// sent twice, whether it was handed over, read, or both.
//
// Rows are sent one at a time: handed-over rows in the order their
// transactions committed (id order within one transaction), rows read from
// the table in id order. A row whose send fails holds back the rows after
// it: the relay backs off (from 100ms up to 2s between attempts) and then
// reads the table, where that row still is, first in id order.
package outbox
