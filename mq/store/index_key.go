package store

import (
	"bytes"
	"encoding/binary"

	"github.com/sagashop/sagashop/mq/message"
)

// keyedRecord is what the message index reads of a V1 record. Its slices
// alias the record.
type keyedRecord struct {
	topic []byte
	ts    int64  // STORETIMESTAMP
	uniq  []byte // UNIQ_KEY value, nil once returned by nextKey
	keys  []byte // rest of the KEYS value (space-separated)
}

// parseKeyed reads the topic, store timestamp and keys of rec (a record
// without its trailer). A rolled-back transactional record has no keys,
// as in Java's IndexService. ok is false if the layout is broken.
func parseKeyed(rec []byte) (r keyedRecord, ok bool) {
	be := binary.BigEndian
	if len(rec) < minRecordSize {
		return r, false
	}
	sysFlag := int32(be.Uint32(rec[message.PosSysFlag:]))
	tsPos := message.StoreTimestampPos(sysFlag)
	r.ts = int64(be.Uint64(rec[tsPos:]))
	p := tsPos + 8 + 8 // store timestamp, IPv4 store host
	if sysFlag&message.FlagStoreHostV6 != 0 {
		p += 12
	}
	p += 4 + 8 // reconsume times, prepared transaction offset
	if p+4 > len(rec) {
		return r, false
	}
	body := int64(be.Uint32(rec[p:]))
	p += 4
	if body > int64(len(rec)-p-1) {
		return r, false
	}
	p += int(body)
	n := int(rec[p])
	p++
	if p+n+2 > len(rec) {
		return r, false
	}
	r.topic = rec[p : p+n]
	p += n
	n = int(be.Uint16(rec[p:]))
	p += 2
	if p+n > len(rec) {
		return r, false
	}
	if message.TransactionType(sysFlag) == message.TransactionRollback {
		return r, true
	}
	r.scanProperties(rec[p : p+n])
	return r, true
}

// scanProperties finds the first UNIQ_KEY and KEYS values, reading
// segments as message.Property does.
func (r *keyedRecord) scanProperties(props []byte) {
	var haveUniq, haveKeys bool
	for len(props) > 0 && !(haveUniq && haveKeys) {
		seg := props
		if i := bytes.IndexByte(props, message.PropertySep); i >= 0 {
			seg, props = props[:i], props[i+1:]
		} else {
			props = nil
		}
		i := bytes.IndexByte(seg, message.NameValueSep)
		if i < 0 {
			continue
		}
		k, v := seg[:i], seg[i+1:]
		uniq, keys := !haveUniq && string(k) == message.PropUniqKey, !haveKeys && string(k) == message.PropKeys
		if (!uniq && !keys) || bytes.IndexByte(v, message.NameValueSep) >= 0 {
			continue
		}
		if uniq {
			r.uniq, haveUniq = v, true
		} else {
			r.keys, haveKeys = v, true
		}
	}
}

// nextKey returns the next key to index: the UNIQ_KEY, then each
// non-empty space-separated entry of KEYS (Java's order).
func (r *keyedRecord) nextKey() ([]byte, bool) {
	if k := r.uniq; k != nil {
		r.uniq = nil
		if len(k) > 0 {
			return k, true
		}
	}
	for len(r.keys) > 0 {
		k := r.keys
		if i := bytes.IndexByte(k, ' '); i >= 0 {
			k, r.keys = k[:i], k[i+1:]
		} else {
			r.keys = nil
		}
		if len(k) > 0 {
			return k, true
		}
	}
	return nil, false
}

// countKeys is how many keys nextKey would return.
func (r keyedRecord) countKeys() int {
	n := 0
	for _, ok := r.nextKey(); ok; _, ok = r.nextKey() {
		n++
	}
	return n
}

// matches reports whether the record is of topic and carries key.
func (r keyedRecord) matches(topic, key string) bool {
	if string(r.topic) != topic {
		return false
	}
	for k, ok := r.nextKey(); ok; k, ok = r.nextKey() {
		if string(k) == key {
			return true
		}
	}
	return false
}

// FNV-1a, 32 bits.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

// keyHash is the 32-bit FNV-1a hash of topic + "#" + key (Java's index
// key form), computed without building the string. 0 marks an unused
// index entry, so it becomes 1.
func keyHash[T string | []byte](topic, key T) uint32 { return keyHashFrom(topicHash(topic), key) }

// topicHash is the FNV-1a state after topic + "#", shared by a record's keys.
func topicHash[T string | []byte](topic T) uint32 {
	h := uint32(fnvOffset)
	for i := 0; i < len(topic); i++ {
		h = (h ^ uint32(topic[i])) * fnvPrime
	}
	return (h ^ '#') * fnvPrime
}

// keyHashFrom completes keyHash from topicHash.
func keyHashFrom[T string | []byte](h uint32, key T) uint32 {
	for i := 0; i < len(key); i++ {
		h = (h ^ uint32(key[i])) * fnvPrime
	}
	if h == 0 {
		h = 1
	}
	return h
}
