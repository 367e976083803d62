package broker

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/sagashop/sagashop/mq/conf"
	"github.com/sagashop/sagashop/mq/store"
)

// Options configure a Broker.
type Options struct {
	// Config is the broker.conf configuration; default conf.Default().
	Config conf.Broker
	// Store replaces the store opened from Config (tests); default nil.
	Store store.MessageStore
	// Logger; default discards.
	Logger *slog.Logger
	// RegisterInterval is how often the broker re-registers with every
	// NameServer; default 30s. Topic changes register at once.
	RegisterInterval time.Duration
	// ClientExpiry drops a client connection silent for this long; 120s.
	ClientExpiry time.Duration
	// ScanInterval is how often expired clients are looked for; 10s.
	ScanInterval time.Duration
	// PersistInterval is how often consumer offsets are written; 5s.
	PersistInterval time.Duration
	// MaxLongPoll caps how long a pull with nothing to return is held; 20s.
	MaxLongPoll time.Duration
	// InMemoryWindow is how far (in CommitLog bytes) the first message of a
	// queue may lie behind the newest before a group with no committed
	// offset is no longer started at offset 0 (Java's "still in memory"
	// rule, 40% of RAM there); default 4 GiB. Negative disables the rule.
	InMemoryWindow int64
	// ACLFile is the plain_acl.yml checked when Config.AclEnable is on;
	// default "" means <StorePathRootDir>/config/plain_acl.yml.
	ACLFile string
}

// DefaultOptions returns the defaults listed on Options.
func DefaultOptions() Options {
	return Options{
		Config:           conf.Default(),
		RegisterInterval: 30 * time.Second,
		ClientExpiry:     120 * time.Second,
		ScanInterval:     10 * time.Second,
		PersistInterval:  5 * time.Second,
		MaxLongPoll:      20 * time.Second,
		InMemoryWindow:   4 << 30,
	}
}

func (o Options) withDefaults() (Options, error) {
	d := DefaultOptions()
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	for _, p := range []struct{ v, def *time.Duration }{
		{&o.RegisterInterval, &d.RegisterInterval}, {&o.ClientExpiry, &d.ClientExpiry},
		{&o.ScanInterval, &d.ScanInterval}, {&o.PersistInterval, &d.PersistInterval}, {&o.MaxLongPoll, &d.MaxLongPoll},
	} {
		if *p.v <= 0 {
			*p.v = *p.def
		}
	}
	if o.InMemoryWindow == 0 {
		o.InMemoryWindow = d.InMemoryWindow
	}
	if err := o.Config.Validate(); err != nil {
		return o, fmt.Errorf("%w: %w", ErrInvalidOptions, err)
	}
	if _, err := loadACL(o.Config, o.ACLFile); err != nil {
		return o, err
	}
	return o, nil
}

// storeOptions maps the broker configuration onto the store's options.
func storeOptions(c conf.Broker, dir string) (store.Options, error) {
	so := store.DefaultOptions()
	so.Dir = dir
	if c.FlushDiskType == conf.SyncFlush {
		so.FlushMode = store.SyncFlush
	}
	so.CommitLogSegmentSize = int64(c.MappedFileSizeCommitLog)
	so.ConsumeQueueSegmentEntries = c.MappedFileSizeConsumeQueue / 20
	so.MaxMessageSize = c.MaxMessageSize
	so.FileReservedTime = time.Duration(c.FileReservedTime) * time.Hour
	hours, err := c.DeleteHours()
	if err != nil {
		return so, fmt.Errorf("%w: %w", ErrInvalidOptions, err)
	}
	so.DeleteHours = hours
	so.DiskMaxUsedSpaceRatio = c.DiskMaxUsedSpaceRatio
	return so, nil
}
