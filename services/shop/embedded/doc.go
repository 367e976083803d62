// Package embedded runs the whole shop in one process, the project's
// default mode: a NameServer and a Broker (mq/standalone), an in-process
// Redis-protocol server, and the order, inventory and payment services,
// each with its own SQLite file under a data directory. Nothing needs to
// be installed and nothing talks to anything but loopback.
//
// The services are the same code the separate binaries run (their app
// packages); only the configuration differs. The broker's delay table is
// scaled by default so that level 16, the payment timeout, takes a minute
// instead of thirty.
package embedded
