// Package conf loads a RocketMQ 4.x broker.conf: a Java properties file of
// key=value lines using the same keys and defaults as the Java broker, so a
// broker.conf written for Apache RocketMQ works here unchanged.
//
// Typical use:
//
//	b, warnings, err := conf.LoadFile(path)
//	// log warnings, apply command-line overrides with b.Set, then:
//	err = b.Validate()
package conf

import (
	"os"
	"path/filepath"
	"strings"
)

// FlushDiskType says when the CommitLog is fsynced relative to a send reply.
type FlushDiskType string

// Flush modes, spelled as in broker.conf.
const (
	// AsyncFlush replies before the data is fsynced; a background flusher syncs it.
	AsyncFlush FlushDiskType = "ASYNC_FLUSH"
	// SyncFlush replies only after the data is fsynced (group commit).
	SyncFlush FlushDiskType = "SYNC_FLUSH"
)

// Valid reports whether t is one of the known flush modes.
func (t FlushDiskType) Valid() bool { return t == AsyncFlush || t == SyncFlush }

// BrokerRole is a broker's place in a master/slave group.
type BrokerRole string

// Broker roles, spelled as in broker.conf.
const (
	// AsyncMaster is a master that does not wait for slaves before replying.
	AsyncMaster BrokerRole = "ASYNC_MASTER"
	// SyncMaster is a master that replies after a slave has the message.
	SyncMaster BrokerRole = "SYNC_MASTER"
	// Slave replicates a master and needs a BrokerID above 0.
	Slave BrokerRole = "SLAVE"
)

// Valid reports whether r is one of the known roles.
func (r BrokerRole) Valid() bool { return r == AsyncMaster || r == SyncMaster || r == Slave }

// IsMaster reports whether r is a master role.
func (r BrokerRole) IsMaster() bool { return r == AsyncMaster || r == SyncMaster }

// DefaultMessageDelayLevel is RocketMQ's delay table: level 1 is 1s, level 16
// is 30m, level 18 is 2h.
const DefaultMessageDelayLevel = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"

// Broker is the broker configuration. Field comments give the broker.conf key
// and the default set by Default. Integer fields follow the Java types: int
// fields accept 32-bit values, int64 fields 64-bit ones.
type Broker struct {
	// BrokerClusterName (brokerClusterName) defaults to "DefaultCluster".
	BrokerClusterName string
	// BrokerName (brokerName) defaults to "broker-a".
	BrokerName string
	// BrokerID (brokerId) defaults to 0; 0 is the master, slaves use > 0.
	BrokerID int64
	// NamesrvAddr (namesrvAddr) defaults to ""; a ';'-separated list of host:port.
	NamesrvAddr string
	// BrokerIP1 (brokerIP1) defaults to "", meaning detect a local address.
	BrokerIP1 string
	// ListenPort (listenPort) defaults to 10911.
	ListenPort int
	// StorePathRootDir (storePathRootDir) defaults to $HOME/store ("store" if there is no home directory).
	StorePathRootDir string
	// FlushDiskType (flushDiskType) defaults to AsyncFlush.
	FlushDiskType FlushDiskType
	// AutoCreateTopicEnable (autoCreateTopicEnable) defaults to true.
	AutoCreateTopicEnable bool
	// AutoCreateSubscriptionGroup (autoCreateSubscriptionGroup) defaults to true.
	AutoCreateSubscriptionGroup bool
	// DefaultTopicQueueNums (defaultTopicQueueNums) defaults to 8 queues per auto-created topic.
	DefaultTopicQueueNums int
	// FileReservedTime (fileReservedTime) defaults to 72 hours of CommitLog kept.
	FileReservedTime int
	// DeleteWhen (deleteWhen) defaults to "04": the hours of day expired files are deleted, ';'-separated.
	DeleteWhen string
	// DiskMaxUsedSpaceRatio (diskMaxUsedSpaceRatio) defaults to 75 percent; valid 10..95.
	DiskMaxUsedSpaceRatio int
	// MaxMessageSize (maxMessageSize) defaults to 4194304 bytes (4 MiB).
	MaxMessageSize int
	// MappedFileSizeCommitLog (mappedFileSizeCommitLog or mapedFileSizeCommitLog) defaults to 1073741824 bytes (1 GiB).
	MappedFileSizeCommitLog int
	// MappedFileSizeConsumeQueue (mappedFileSizeConsumeQueue or mapedFileSizeConsumeQueue) defaults to 6000000 bytes (300000 units of 20 bytes).
	MappedFileSizeConsumeQueue int
	// BrokerRole (brokerRole) defaults to AsyncMaster.
	BrokerRole BrokerRole
	// MessageDelayLevel (messageDelayLevel) defaults to DefaultMessageDelayLevel.
	MessageDelayLevel string
	// TransactionTimeOut (transactionTimeOut) defaults to 6000 ms before a half message may be checked back.
	TransactionTimeOut int64
	// TransactionCheckInterval (transactionCheckInterval) defaults to 30000 ms between check-back rounds.
	TransactionCheckInterval int64
	// TransactionCheckMax (transactionCheckMax) defaults to 15 check-backs before a half message is discarded.
	TransactionCheckMax int
	// AclEnable (aclEnable) defaults to false.
	AclEnable bool
	// TraceTopicEnable (traceTopicEnable) defaults to false.
	TraceTopicEnable bool
}

// Default returns the configuration a broker uses when broker.conf sets nothing.
func Default() Broker {
	return Broker{
		BrokerClusterName:           "DefaultCluster",
		BrokerName:                  "broker-a",
		BrokerID:                    0,
		NamesrvAddr:                 "",
		BrokerIP1:                   "",
		ListenPort:                  10911,
		StorePathRootDir:            defaultStoreRoot(),
		FlushDiskType:               AsyncFlush,
		AutoCreateTopicEnable:       true,
		AutoCreateSubscriptionGroup: true,
		DefaultTopicQueueNums:       8,
		FileReservedTime:            72,
		DeleteWhen:                  "04",
		DiskMaxUsedSpaceRatio:       75,
		MaxMessageSize:              1024 * 1024 * 4,
		MappedFileSizeCommitLog:     1024 * 1024 * 1024,
		MappedFileSizeConsumeQueue:  300000 * cqUnitSize,
		BrokerRole:                  AsyncMaster,
		MessageDelayLevel:           DefaultMessageDelayLevel,
		TransactionTimeOut:          6000,
		TransactionCheckInterval:    30000,
		TransactionCheckMax:         15,
		AclEnable:                   false,
		TraceTopicEnable:            false,
	}
}

// defaultStoreRoot mirrors Java's user.home + "/store". Without a home
// directory it falls back to "store" relative to the working directory rather
// than failing, since Default cannot return an error.
func defaultStoreRoot() string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "store"
	}
	return filepath.Join(home, "store")
}

// NamesrvAddrs returns the NameServer addresses in NamesrvAddr, split on ';'
// with surrounding spaces and empty entries dropped. It returns nil when none
// is set.
func (b Broker) NamesrvAddrs() []string {
	var addrs []string
	for _, a := range strings.Split(b.NamesrvAddr, ";") {
		if a = strings.TrimSpace(a); a != "" {
			addrs = append(addrs, a)
		}
	}
	return addrs
}
