package messaging

import (
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"github.com/sagashop/sagashop/mq/route"
)

// ProducerOptions configure a Producer or a TxProducer.
type ProducerOptions struct {
	// NameServers are the NameServer addresses ("host:port"); required.
	// Host names are resolved once, by the constructor.
	NameServers []string
	// Group is the producer group; required. A TxProducer's check-backs
	// go to any live producer of its group.
	Group string
	// InstanceName names the client instance; default
	// Group+"@"+pid+"#"+n, unique in the process.
	InstanceName string
	// SendTimeout bounds one Send, retries included; default 3s.
	SendTimeout time.Duration
	// Retries is how often a failed send is retried; default 2, negative
	// for none.
	Retries int
	// Logger; default discards.
	Logger log.Logger
}

// DefaultProducerOptions returns the defaults listed on ProducerOptions.
func DefaultProducerOptions() ProducerOptions {
	return ProducerOptions{SendTimeout: 3 * time.Second, Retries: 2, Logger: nopLogger{}}
}

func (o ProducerOptions) withDefaults() (ProducerOptions, error) {
	d := DefaultProducerOptions()
	if err := validateClient(o.NameServers, o.Group); err != nil {
		return o, err
	}
	if o.InstanceName == "" {
		o.InstanceName = newInstanceName(o.Group)
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = d.SendTimeout
	}
	switch {
	case o.Retries == 0:
		o.Retries = d.Retries
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.Logger == nil {
		o.Logger = d.Logger
	}
	return o, nil
}

// ConsumerOptions configure a Consumer.
type ConsumerOptions struct {
	// NameServers are the NameServer addresses ("host:port"); required.
	// Host names are resolved once, by the constructor.
	NameServers []string
	// Group is the consumer group; required.
	Group string
	// InstanceName names the client instance; default
	// Group+"@"+pid+"#"+n, unique in the process.
	InstanceName string
	// MaxReconsumeTimes is how often a failed message is redelivered
	// before it goes to the group's dead-letter queue; default 16.
	MaxReconsumeTimes int32
	// Goroutines is how many handlers run at once per topic; default 20.
	Goroutines int
	// ShutdownTimeout bounds how long Shutdown waits for the client to
	// close once the handlers have returned; default 10s. The client
	// commits offsets to every broker on the way out with no time limit
	// of its own, so with a broker down it would never return.
	ShutdownTimeout time.Duration
	// Logger; default discards.
	Logger log.Logger
}

// DefaultConsumerOptions returns the defaults listed on ConsumerOptions.
func DefaultConsumerOptions() ConsumerOptions {
	return ConsumerOptions{MaxReconsumeTimes: 16, Goroutines: 20, ShutdownTimeout: 10 * time.Second, Logger: nopLogger{}}
}

func (o ConsumerOptions) withDefaults() (ConsumerOptions, error) {
	d := DefaultConsumerOptions()
	if err := validateClient(o.NameServers, o.Group); err != nil {
		return o, err
	}
	if o.InstanceName == "" {
		o.InstanceName = newInstanceName(o.Group)
	}
	if o.MaxReconsumeTimes <= 0 {
		o.MaxReconsumeTimes = d.MaxReconsumeTimes
	}
	if o.Goroutines <= 0 {
		o.Goroutines = d.Goroutines
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = d.ShutdownTimeout
	}
	if o.Logger == nil {
		o.Logger = d.Logger
	}
	return o, nil
}

// validateClient checks what every client needs.
func validateClient(nameServers []string, group string) error {
	if len(nameServers) == 0 {
		return fmt.Errorf("%w: no NameServers", ErrInvalidOptions)
	}
	if err := route.ValidateGroup(group); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidOptions, err)
	}
	return nil
}

// instanceSeq numbers the instance names made in this process.
var instanceSeq atomic.Int64

// newInstanceName returns group@pid#n. The client shares one instance (and
// one set of connections and callbacks) between producers and consumers of
// the same instance name, which breaks a second transaction producer or a
// second consumer of a group in one process, so each gets its own name.
func newInstanceName(group string) string {
	return group + "@" + strconv.Itoa(os.Getpid()) + "#" + strconv.FormatInt(instanceSeq.Add(1), 10)
}
