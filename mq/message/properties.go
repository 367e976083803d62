package message

import (
	"sort"
	"strings"
)

// The separators of the properties string: key NameValueSep value PropertySep.
const (
	NameValueSep = '\x01'
	PropertySep  = '\x02'
)

// Property keys the broker reads or writes (Java MessageConst).
const (
	PropKeys                = "KEYS"
	PropTags                = "TAGS"
	PropWaitStoreMsgOK      = "WAIT"
	PropDelayLevel          = "DELAY"
	PropRetryTopic          = "RETRY_TOPIC"
	PropRealTopic           = "REAL_TOPIC"
	PropRealQueueID         = "REAL_QID"
	PropTransactionPrepared = "TRAN_MSG"
	PropProducerGroup       = "PGROUP"
	PropOriginMessageID     = "ORIGIN_MESSAGE_ID"
	PropMsgRegion           = "MSG_REGION"
	PropTraceSwitch         = "TRACE_ON"
	PropUniqKey             = "UNIQ_KEY"
	PropMaxReconsumeTimes   = "MAX_RECONSUME_TIMES"
	PropTranPreparedQOffset = "TRAN_PREPARED_QUEUE_OFFSET"
	PropTransactionCheckN   = "TRANSACTION_CHECK_TIMES"
	PropCheckImmunitySecs   = "CHECK_IMMUNITY_TIME_IN_SECONDS"
	PropShardingKey         = "SHARDING_KEY"
	PropCorrelationID       = "CORRELATION_ID"
	PropReplyToClient       = "REPLY_TO_CLIENT"
	PropMsgType             = "MSG_TYPE"
	PropCluster             = "CLUSTER"
	PropTTL                 = "TTL"
)

// Property returns the value of key in a properties string. It accepts
// both Go's trailing separator and Java's missing one, and skips empty or
// malformed segments as the clients do.
func Property(props, key string) (string, bool) {
	for len(props) > 0 {
		seg := props
		if i := strings.IndexByte(props, PropertySep); i >= 0 {
			seg, props = props[:i], props[i+1:]
		} else {
			props = ""
		}
		k, v, ok := strings.Cut(seg, string(NameValueSep))
		if ok && k == key && strings.IndexByte(v, NameValueSep) < 0 {
			return v, true
		}
	}
	return "", false
}

// ParseProperties decodes a properties string into a map. Segments that do
// not split into exactly one key and one value are skipped.
func ParseProperties(props string) map[string]string {
	m := make(map[string]string, strings.Count(props, string(PropertySep))+1)
	for _, seg := range strings.Split(props, string(PropertySep)) {
		parts := strings.Split(seg, string(NameValueSep))
		if len(parts) == 2 {
			m[parts[0]] = parts[1]
		}
	}
	return m
}

// MarshalProperties encodes m in key order, Java style (no trailing
// separator), so that equal maps give equal strings.
func MarshalProperties(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(PropertySep)
		}
		b.WriteString(k)
		b.WriteByte(NameValueSep)
		b.WriteString(m[k])
	}
	return b.String()
}

// WithProperty returns props with key set to value: an existing entry is
// replaced, otherwise the pair is appended.
func WithProperty(props, key, value string) string {
	if _, ok := Property(props, key); ok {
		props = WithoutProperty(props, key)
	}
	var b strings.Builder
	b.Grow(len(props) + len(key) + len(value) + 2)
	b.WriteString(props)
	if len(props) > 0 && props[len(props)-1] != PropertySep {
		b.WriteByte(PropertySep)
	}
	b.WriteString(key)
	b.WriteByte(NameValueSep)
	b.WriteString(value)
	return b.String()
}

// WithoutProperty returns props without any entry for key.
func WithoutProperty(props, key string) string {
	var b strings.Builder
	b.Grow(len(props))
	rest := props
	for len(rest) > 0 {
		seg := rest
		if i := strings.IndexByte(rest, PropertySep); i >= 0 {
			seg, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		if seg == "" {
			continue
		}
		if k, _, ok := strings.Cut(seg, string(NameValueSep)); ok && k == key {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(PropertySep)
		}
		b.WriteString(seg)
	}
	return b.String()
}

// JoinProperties concatenates two properties strings with one separator.
func JoinProperties(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case a[len(a)-1] == PropertySep:
		return a + b
	}
	return a + string(PropertySep) + b
}
