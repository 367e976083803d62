package conf

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
)

// cqUnitSize is the size of one ConsumeQueue entry: commitlog offset (8),
// size (4) and tag hash (8). A ConsumeQueue file holds whole entries.
const cqUnitSize = 20

// Validate reports every problem in b at once (joined with errors.Join, each
// wrapping ErrInvalidValue): bad enums, sizes and counts that must be
// positive, the disk ratio outside 10..95, an unparseable deleteWhen, delay
// table or NameServer address, a message size that does not fit in a
// CommitLog file, and a brokerId that does not match the role.
func (b Broker) Validate() error {
	var errs []error
	for _, k := range keys {
		if err := b.check(k); err != nil {
			errs = append(errs, err)
		}
	}
	if b.BrokerRole.IsMaster() && b.BrokerID != 0 {
		errs = append(errs, fmt.Errorf("%w: brokerId=%d: must be 0 for %s", ErrInvalidValue, b.BrokerID, b.BrokerRole))
	}
	if b.BrokerRole == Slave && b.BrokerID <= 0 {
		errs = append(errs, fmt.Errorf("%w: brokerId=%d: must be > 0 for %s", ErrInvalidValue, b.BrokerID, b.BrokerRole))
	}
	if b.MaxMessageSize >= b.MappedFileSizeCommitLog {
		errs = append(errs, fmt.Errorf("%w: maxMessageSize=%d: must be below mappedFileSizeCommitLog=%d",
			ErrInvalidValue, b.MaxMessageSize, b.MappedFileSizeCommitLog))
	}
	return errors.Join(errs...)
}

// check validates the field of one canonical key on its own. The error wraps
// ErrInvalidValue and names the key and value.
func (b *Broker) check(key string) error {
	switch key {
	case "brokerClusterName":
		return notEmpty(key, b.BrokerClusterName)
	case "brokerName":
		return notEmpty(key, b.BrokerName)
	case "brokerId":
		return atLeast(key, b.BrokerID, 0)
	case "namesrvAddr":
		return b.checkNamesrvAddr()
	case "listenPort":
		return between(key, b.ListenPort, 1, 65535)
	case "storePathRootDir":
		return notEmpty(key, b.StorePathRootDir)
	case "flushDiskType":
		if !b.FlushDiskType.Valid() {
			return fmt.Errorf("%w: %s=%q: want %s or %s", ErrInvalidValue, key, b.FlushDiskType, AsyncFlush, SyncFlush)
		}
	case "defaultTopicQueueNums":
		return atLeast(key, b.DefaultTopicQueueNums, 1)
	case "fileReservedTime":
		return atLeast(key, b.FileReservedTime, 1)
	case "deleteWhen":
		if _, err := b.DeleteHours(); err != nil {
			return err
		}
	case "diskMaxUsedSpaceRatio":
		return between(key, b.DiskMaxUsedSpaceRatio, 10, 95)
	case "maxMessageSize":
		return atLeast(key, b.MaxMessageSize, 1)
	case "mappedFileSizeCommitLog":
		return atLeast(key, b.MappedFileSizeCommitLog, 1)
	case "mappedFileSizeConsumeQueue":
		// Java silently rounds up to whole entries; an explicit error is clearer.
		if b.MappedFileSizeConsumeQueue <= 0 || b.MappedFileSizeConsumeQueue%cqUnitSize != 0 {
			return fmt.Errorf("%w: %s=%d: must be a positive multiple of %d",
				ErrInvalidValue, key, b.MappedFileSizeConsumeQueue, cqUnitSize)
		}
	case "brokerRole":
		if !b.BrokerRole.Valid() {
			return fmt.Errorf("%w: %s=%q: want %s, %s or %s", ErrInvalidValue, key, b.BrokerRole, AsyncMaster, SyncMaster, Slave)
		}
	case "messageDelayLevel":
		if _, err := parseDelayLevels(b.MessageDelayLevel); err != nil {
			return fmt.Errorf("%w: %s=%q: %w", ErrInvalidValue, key, b.MessageDelayLevel, err)
		}
	case "transactionTimeOut":
		return atLeast(key, b.TransactionTimeOut, 1)
	case "transactionCheckInterval":
		return atLeast(key, b.TransactionCheckInterval, 1)
	case "transactionCheckMax":
		return atLeast(key, b.TransactionCheckMax, 1)
	}
	return nil
}

func notEmpty(key, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("%w: %s=%q: must not be empty", ErrInvalidValue, key, v)
	}
	return nil
}

func atLeast[T int | int64](key string, v, lo T) error {
	if v < lo {
		return fmt.Errorf("%w: %s=%d: must be at least %d", ErrInvalidValue, key, v, lo)
	}
	return nil
}

func between[T int | int64](key string, v, lo, hi T) error {
	if v < lo || v > hi {
		return fmt.Errorf("%w: %s=%d: must be between %d and %d", ErrInvalidValue, key, v, lo, hi)
	}
	return nil
}

// checkNamesrvAddr requires every listed address to be host:port with a
// numeric port, as Java's string2SocketAddress does. An empty list is fine:
// a standalone broker registers with its in-process NameServer.
func (b *Broker) checkNamesrvAddr() error {
	for _, a := range b.NamesrvAddrs() {
		host, port, err := net.SplitHostPort(a)
		if err == nil && host == "" {
			err = errors.New("missing host")
		}
		if err == nil {
			if p, perr := strconv.Atoi(port); perr != nil || p < 1 || p > 65535 {
				err = fmt.Errorf("port %q is not 1..65535", port)
			}
		}
		if err != nil {
			return fmt.Errorf("%w: namesrvAddr=%q: address %q: want host:port;host:port: %w", ErrInvalidValue, b.NamesrvAddr, a, err)
		}
	}
	return nil
}

// DeleteHours parses DeleteWhen, a ';'-separated list of hours of the day
// (0..23, such as "04" or "01;04") at which expired files are deleted. It
// returns the hours sorted without duplicates, or an error wrapping
// ErrInvalidValue for an empty list or entry or an entry that is not an hour.
func (b Broker) DeleteHours() ([]int, error) {
	hours, err := parseHours(b.DeleteWhen)
	if err != nil {
		return nil, fmt.Errorf("%w: deleteWhen=%q: %w", ErrInvalidValue, b.DeleteWhen, err)
	}
	return hours, nil
}

// parseHours does DeleteHours' work, returning a bare reason.
func parseHours(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("no hours")
	}
	var hours []int
	for i, p := range strings.Split(s, ";") {
		p = strings.TrimSpace(p)
		h, err := strconv.Atoi(p)
		if err != nil || h < 0 || h > 23 {
			return nil, fmt.Errorf("entry %d %q is not an hour 0..23", i+1, p)
		}
		hours = append(hours, h)
	}
	slices.Sort(hours)
	return slices.Compact(hours), nil
}
