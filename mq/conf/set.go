package conf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// keys lists the canonical broker.conf key of every Broker field, in the
// order Validate reports problems. Keys are case-sensitive, as in Java.
var keys = []string{
	"brokerClusterName", "brokerName", "brokerId", "namesrvAddr", "brokerIP1",
	"listenPort", "storePathRootDir", "flushDiskType", "autoCreateTopicEnable",
	"autoCreateSubscriptionGroup", "defaultTopicQueueNums", "fileReservedTime",
	"deleteWhen", "diskMaxUsedSpaceRatio", "maxMessageSize",
	"mappedFileSizeCommitLog", "mappedFileSizeConsumeQueue", "brokerRole",
	"messageDelayLevel", "transactionTimeOut", "transactionCheckInterval",
	"transactionCheckMax", "aclEnable", "traceTopicEnable",
}

// aliases maps older spellings still found in RocketMQ 4.x configs (before
// the "maped" typo was fixed) to the canonical key.
var aliases = map[string]string{
	"mapedFileSizeCommitLog":    "mappedFileSizeCommitLog",
	"mapedFileSizeConsumeQueue": "mappedFileSizeConsumeQueue",
}

// Set parses value for the broker.conf key and stores it in b. Surrounding
// whitespace in value is ignored. Set checks the value on its own (type,
// range, format) but not against other fields; call Validate once every
// value is in. It returns an error wrapping ErrUnknownKey for a key it does
// not know, so callers can warn and go on, and one wrapping ErrInvalidValue
// for a bad value. On error b is unchanged.
func (b *Broker) Set(key, value string) error {
	canonical := key
	if k, ok := aliases[key]; ok {
		canonical = k
	}
	value = strings.TrimSpace(value)
	next := *b
	found, err := next.assign(canonical, value)
	if !found {
		return fmt.Errorf("%w %q", ErrUnknownKey, key)
	}
	if err != nil {
		return fmt.Errorf("%w: %s=%q: %w", ErrInvalidValue, key, value, err)
	}
	if err := next.check(canonical); err != nil {
		return err
	}
	*b = next
	return nil
}

// assign parses v into the field named by the canonical key. found is false
// for an unknown key; err is a bare reason, wrapped by Set.
func (b *Broker) assign(key, v string) (found bool, err error) {
	switch key {
	case "brokerClusterName":
		b.BrokerClusterName = v
	case "brokerName":
		b.BrokerName = v
	case "brokerId":
		b.BrokerID, err = parseInt64(v)
	case "namesrvAddr":
		b.NamesrvAddr = v
	case "brokerIP1":
		b.BrokerIP1 = v
	case "listenPort":
		b.ListenPort, err = parseInt(v)
	case "storePathRootDir":
		b.StorePathRootDir = v
	case "flushDiskType":
		b.FlushDiskType, err = parseFlushDiskType(v)
	case "autoCreateTopicEnable":
		b.AutoCreateTopicEnable, err = parseBool(v)
	case "autoCreateSubscriptionGroup":
		b.AutoCreateSubscriptionGroup, err = parseBool(v)
	case "defaultTopicQueueNums":
		b.DefaultTopicQueueNums, err = parseInt(v)
	case "fileReservedTime":
		b.FileReservedTime, err = parseInt(v)
	case "deleteWhen":
		b.DeleteWhen = v
	case "diskMaxUsedSpaceRatio":
		b.DiskMaxUsedSpaceRatio, err = parseInt(v)
	case "maxMessageSize":
		b.MaxMessageSize, err = parseInt(v)
	case "mappedFileSizeCommitLog":
		b.MappedFileSizeCommitLog, err = parseInt(v)
	case "mappedFileSizeConsumeQueue":
		b.MappedFileSizeConsumeQueue, err = parseInt(v)
	case "brokerRole":
		b.BrokerRole, err = parseBrokerRole(v)
	case "messageDelayLevel":
		b.MessageDelayLevel = v
	case "transactionTimeOut":
		b.TransactionTimeOut, err = parseInt64(v)
	case "transactionCheckInterval":
		b.TransactionCheckInterval, err = parseInt64(v)
	case "transactionCheckMax":
		b.TransactionCheckMax, err = parseInt(v)
	case "aclEnable":
		b.AclEnable, err = parseBool(v)
	case "traceTopicEnable":
		b.TraceTopicEnable, err = parseBool(v)
	default:
		return false, nil
	}
	return true, err
}

// parseInt parses a Java int: decimal, 32 bits.
func parseInt(v string) (int, error) {
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, numError(err, "32-bit")
	}
	return int(n), nil
}

// parseInt64 parses a Java long: decimal, 64 bits.
func parseInt64(v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, numError(err, "64-bit")
	}
	return n, nil
}

// numError replaces strconv's verbose error with a short reason.
func numError(err error, bits string) error {
	if errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("out of range for a %s integer", bits)
	}
	return fmt.Errorf("not a %s integer", bits)
}

// parseBool accepts true or false in any case. Java's Boolean.parseBoolean
// reads every other word as false; we reject it, since "ture" is a typo.
func parseBool(v string) (bool, error) {
	switch {
	case strings.EqualFold(v, "true"):
		return true, nil
	case strings.EqualFold(v, "false"):
		return false, nil
	}
	return false, errors.New("want true or false")
}

// parseFlushDiskType and parseBrokerRole accept any case and return the
// canonical upper-case spelling. Java's Enum.valueOf is case-sensitive;
// accepting "sync_flush" too loses nothing.
func parseFlushDiskType(v string) (FlushDiskType, error) {
	t := FlushDiskType(strings.ToUpper(v))
	if !t.Valid() {
		return "", fmt.Errorf("want %s or %s", AsyncFlush, SyncFlush)
	}
	return t, nil
}

func parseBrokerRole(v string) (BrokerRole, error) {
	r := BrokerRole(strings.ToUpper(v))
	if !r.Valid() {
		return "", fmt.Errorf("want %s, %s or %s", AsyncMaster, SyncMaster, Slave)
	}
	return r, nil
}
