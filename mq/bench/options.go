package bench

import (
	"fmt"
	"io"
	"time"
)

// Mode says what Run does.
type Mode string

// Modes of Run.
const (
	// Produce sends for Duration or Count messages.
	Produce Mode = "produce"
	// Consume pulls from Duration or Count, or until the backlog present
	// at the start is drained when both are zero.
	Consume Mode = "consume"
	// Both produces and consumes at once; the consumer starts at the
	// queues' current ends and drains after the producer stops.
	Both Mode = "both"
	// Latency is Produce with one connection and one request in flight.
	Latency Mode = "latency"
)

// Options configure Run.
type Options struct {
	// NamesrvAddrs find the broker through the topic's route, or the first
	// master the NameServers know when the topic is new; default none.
	NamesrvAddrs []string
	// BrokerAddr is the broker to load; default: found through NamesrvAddrs.
	BrokerAddr string
	// Topic; default "BenchmarkTest".
	Topic string
	// Queues is the queue count the topic is created or updated with
	// (Produce, Both, Latency); Consume uses the route's count when it has
	// NameServers. Default 8.
	Queues int
	// Mode; default Produce.
	Mode Mode
	// Conns is the number of connections of the producer, and of the
	// consumer; default 4 (1 in Latency mode).
	Conns int
	// InFlight is the number of requests in flight per producer
	// connection; default 16 (1 in Latency mode).
	InFlight int
	// Size is the body size in bytes; default 1024.
	Size int
	// Batch is the number of messages per send request; 1 sends
	// SEND_MESSAGE, more sends SEND_BATCH_MESSAGE. Default 1.
	Batch int
	// Duration is how long to produce (or consume); default 10s when
	// Count is 0 too, except in Consume mode, which then drains.
	Duration time.Duration
	// Count is how many messages to produce (or consume); default 0.
	Count int64
	// ProducerGroup; default "mqd_bench_producer".
	ProducerGroup string
	// Group is the consumer group; default "mqd_bench_consumer".
	Group string
	// FromEnd starts the Consume mode at the queues' ends instead of 0.
	FromEnd bool
	// MaxMsgNums is maxMsgNums of each pull; default 32.
	MaxMsgNums int
	// DrainTimeout bounds the drain after producing in Both mode, and the
	// wait for the last replies; default 30s.
	DrainTimeout time.Duration
	// Progress receives a line of running totals every second; default nil.
	Progress io.Writer
}

// DefaultOptions returns the defaults listed on Options.
func DefaultOptions() Options {
	return Options{
		Topic: "BenchmarkTest", Queues: 8, Mode: Produce, Conns: 4, InFlight: 16, Size: 1024, Batch: 1,
		ProducerGroup: "mqd_bench_producer", Group: "mqd_bench_consumer", MaxMsgNums: 32, DrainTimeout: 30 * time.Second,
	}
}

// withDefaults fills zero fields and validates the result.
func (o Options) withDefaults() (Options, error) {
	d := DefaultOptions()
	if o.Mode == "" {
		o.Mode = d.Mode
	}
	if o.Mode == Latency {
		if o.Conns == 0 {
			o.Conns = 1
		}
		if o.InFlight == 0 {
			o.InFlight = 1
		}
	}
	setInt := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	setInt(&o.Queues, d.Queues)
	setInt(&o.Conns, d.Conns)
	setInt(&o.InFlight, d.InFlight)
	setInt(&o.Size, d.Size)
	setInt(&o.Batch, d.Batch)
	setInt(&o.MaxMsgNums, d.MaxMsgNums)
	if o.Topic == "" {
		o.Topic = d.Topic
	}
	if o.ProducerGroup == "" {
		o.ProducerGroup = d.ProducerGroup
	}
	if o.Group == "" {
		o.Group = d.Group
	}
	if o.DrainTimeout == 0 {
		o.DrainTimeout = d.DrainTimeout
	}
	if o.Duration == 0 && o.Count == 0 && o.Mode != Consume {
		o.Duration = 10 * time.Second
	}
	switch {
	case o.Mode != Produce && o.Mode != Consume && o.Mode != Both && o.Mode != Latency:
		return o, fmt.Errorf("%w: mode %q is not produce, consume, both or latency", ErrBadOptions, o.Mode)
	case o.Queues < 0 || o.Conns < 0 || o.InFlight < 0 || o.Size < 0 || o.Batch < 0 || o.MaxMsgNums < 0:
		return o, fmt.Errorf("%w: queues, conns, in-flight, size, batch and max-msg-nums must be positive", ErrBadOptions)
	case o.Duration < 0 || o.Count < 0 || o.DrainTimeout < 0:
		return o, fmt.Errorf("%w: duration, count and drain timeout must not be negative", ErrBadOptions)
	case o.Batch > 1 && o.Batch*(o.Size+22) > 4<<20:
		return o, fmt.Errorf("%w: a batch of %d messages of %d bytes exceeds 4 MiB", ErrBadOptions, o.Batch, o.Size)
	case o.BrokerAddr == "" && len(o.NamesrvAddrs) == 0:
		return o, fmt.Errorf("%w: give a broker address or NameServers", ErrNoBroker)
	}
	return o, nil
}
