package bench

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/sagashop/sagashop/mq/conf"
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
	// Transaction runs whole transactions: a half message, the local
	// transaction (TxWork), then END_TRANSACTION commit. With Verify a
	// consumer checks that exactly the committed messages became visible.
	Transaction Mode = "transaction"
	// Delay sends messages with delay level DelayLevel while a consumer
	// reads the topic from its ends, and reports the parking rate, the
	// delivery rate and each message's lateness against its due time.
	Delay Mode = "delay"
	// DelayBurst is Delay for a fixed number of messages (default 100,000)
	// parked as fast as possible with a level long enough that all are
	// parked before the first is due; it reports the delivery spread.
	DelayBurst Mode = "delay-burst"
)

// modes lists the valid modes, for messages.
const modes = "produce, consume, both, latency, transaction, delay or delay-burst"

// delayed reports whether the mode sends delayed messages.
func (m Mode) delayed() bool { return m == Delay || m == DelayBurst }

// consumes reports whether the mode runs a consumer.
func (o *Options) consumes() bool {
	return o.Mode == Consume || o.Mode == Both || o.Mode.delayed() || (o.Mode == Transaction && o.Verify)
}

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
	// NameServers. Default 0: an existing topic keeps its own count and a
	// new one gets newTopicQueues.
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
	// Count is how many messages to produce (or consume), or transactions
	// to run; default 0, except 100,000 in DelayBurst mode.
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

	// TxWork is how long each simulated local transaction takes between
	// the half message's reply and END_TRANSACTION (a sleep, as for a
	// database round trip); default 0.
	TxWork time.Duration
	// Verify makes Transaction mode consume the topic from its ends and
	// check that exactly the committed messages became visible; default false.
	Verify bool
	// DelayLevel is the DELAY property of Delay and DelayBurst messages;
	// default 1 (Delay) or 3 (DelayBurst, 10s in RocketMQ's default table).
	DelayLevel int
	// Delay is the broker's delay for DelayLevel, from which due times are
	// computed (the protocol has no way to ask); default the level's entry
	// in RocketMQ's default table (conf.DefaultMessageDelayLevel).
	Delay time.Duration
	// BurstLevels, in DelayBurst mode, replaces DelayLevel and Delay with
	// several levels so that more messages fall due together than can be
	// parked in the same time: Count is split evenly among them, longest
	// delay first, and each level's share is sent from (longest delay −
	// its delay) after the start. Default none.
	BurstLevels []DelayStep
}

// DelayStep is a delay level and the broker's delay for it.
type DelayStep struct {
	Level int
	Delay time.Duration
}

// DefaultOptions returns the defaults listed on Options.
func DefaultOptions() Options {
	return Options{
		Topic: "BenchmarkTest", Mode: Produce, Conns: 4, InFlight: 16, Size: 1024, Batch: 1,
		ProducerGroup: "mqd_bench_producer", Group: "mqd_bench_consumer", MaxMsgNums: 32, DrainTimeout: 30 * time.Second,
	}
}

// withDefaults fills zero fields and validates the result.
func (o Options) withDefaults() (Options, error) {
	d := DefaultOptions()
	if o.Mode == "" {
		o.Mode = d.Mode
	}
	if o.Mode.delayed() {
		if err := o.delayDefaults(); err != nil {
			return o, err
		}
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
	case !slices.Contains([]Mode{Produce, Consume, Both, Latency, Transaction, Delay, DelayBurst}, o.Mode):
		return o, fmt.Errorf("%w: mode %q is not %s", ErrBadOptions, o.Mode, modes)
	case o.Queues < 0 || o.Conns < 0 || o.InFlight < 0 || o.Size < 0 || o.Batch < 0 || o.MaxMsgNums < 0:
		return o, fmt.Errorf("%w: queues, conns, in-flight, size, batch and max-msg-nums must be positive", ErrBadOptions)
	case o.Duration < 0 || o.Count < 0 || o.DrainTimeout < 0:
		return o, fmt.Errorf("%w: duration, count and drain timeout must not be negative", ErrBadOptions)
	case o.TxWork < 0:
		return o, fmt.Errorf("%w: tx-work must not be negative", ErrBadOptions)
	case o.Batch > 1 && (o.Mode == Transaction || o.Mode.delayed()):
		return o, fmt.Errorf("%w: %s mode sends single messages (the broker refuses batches with a delay level or a transaction flag)", ErrBadOptions, o.Mode)
	case o.Batch > 1 && o.Batch*(o.Size+22) > 4<<20:
		return o, fmt.Errorf("%w: a batch of %d messages of %d bytes exceeds 4 MiB", ErrBadOptions, o.Batch, o.Size)
	case o.BrokerAddr == "" && len(o.NamesrvAddrs) == 0:
		return o, fmt.Errorf("%w: give a broker address or NameServers", ErrNoBroker)
	}
	return o, nil
}

// delayDefaults fills DelayLevel, Delay and DelayBurst's Count, and
// sorts BurstLevels longest first, setting DelayLevel and Delay to the
// longest.
func (o *Options) delayDefaults() error {
	if len(o.BurstLevels) > 0 {
		if o.Mode != DelayBurst {
			return fmt.Errorf("%w: burst levels are for delay-burst mode", ErrBadOptions)
		}
		o.BurstLevels = slices.Clone(o.BurstLevels)
		slices.SortStableFunc(o.BurstLevels, func(a, b DelayStep) int { return cmp.Compare(b.Delay, a.Delay) })
		for _, st := range o.BurstLevels {
			if st.Level < 1 || st.Delay <= 0 {
				return fmt.Errorf("%w: burst level %d with delay %s: the level must be 1 or more and the delay positive",
					ErrBadOptions, st.Level, st.Delay)
			}
		}
		o.DelayLevel, o.Delay = o.BurstLevels[0].Level, o.BurstLevels[0].Delay
	}
	if o.Mode == DelayBurst && o.Duration > 0 && len(o.BurstLevels) > 1 {
		return fmt.Errorf("%w: several burst levels split -count, not a duration", ErrBadOptions)
	}
	if o.DelayLevel == 0 {
		o.DelayLevel = 1
		if o.Mode == DelayBurst {
			o.DelayLevel = 3
		}
	}
	if o.Mode == DelayBurst && o.Count == 0 && o.Duration == 0 {
		o.Count = 100_000
	}
	levels, err := conf.ParseDelayLevels(conf.DefaultMessageDelayLevel)
	switch {
	case err != nil:
		return fmt.Errorf("bench: %w", err)
	case o.DelayLevel < 1:
		return fmt.Errorf("%w: delay level %d is not 1 or more", ErrBadOptions, o.DelayLevel)
	case o.Delay < 0:
		return fmt.Errorf("%w: delay must not be negative", ErrBadOptions)
	case o.Delay == 0 && o.DelayLevel > len(levels):
		return fmt.Errorf("%w: give the delay of level %d (the default table has %d levels)", ErrBadOptions, o.DelayLevel, len(levels))
	case o.Delay == 0:
		o.Delay = levels[o.DelayLevel-1]
	}
	return nil
}
