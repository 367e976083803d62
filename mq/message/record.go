package message

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"net/netip"
)

// MagicCode marks a V1 record (Java MESSAGE_MAGIC_CODE, 0xDAA320A7).
const MagicCode uint32 = 0xDAA320A7

// Byte positions of the fixed fields of a record that the store patches
// after the record was encoded. They do not depend on the host widths.
const (
	PosTotalSize      = 0
	PosMagic          = 4
	PosBodyCRC        = 8
	PosQueueID        = 12
	PosFlag           = 16
	PosQueueOffset    = 20
	PosPhysicalOffset = 28
	PosSysFlag        = 36
	PosBornTimestamp  = 40
	PosBornHost       = 48
)

// MaxTopicLen is the longest topic a record can carry (Java's limit).
const MaxTopicLen = 127

// Message is one stored message (Java MessageExt) in decoded form.
type Message struct {
	Topic                     string
	QueueID                   int32
	Flag                      int32
	QueueOffset               int64
	PhysicalOffset            int64
	SysFlag                   int32
	BornTimestamp             int64
	BornHost                  netip.AddrPort
	StoreTimestamp            int64
	StoreHost                 netip.AddrPort
	ReconsumeTimes            int32
	PreparedTransactionOffset int64
	// Body is stored exactly as received: still zlib-compressed when
	// SysFlag has FlagCompressed.
	Body       []byte
	Properties string
}

func hostLen(a netip.AddrPort) int {
	if isV6(a) {
		return 20
	}
	return 8
}

func isV6(a netip.AddrPort) bool { return a.Addr().Is6() && !a.Addr().Is4In6() }

// RecordSize is the encoded size of m.
func RecordSize(m *Message) int {
	return 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + hostLen(m.BornHost) + 8 + hostLen(m.StoreHost) +
		4 + 8 + 4 + len(m.Body) + 1 + len(m.Topic) + 2 + len(m.Properties)
}

// HostFlags returns sysFlag with the born/store IPv6 bits set to match the
// hosts of m. AppendRecord applies it; callers use it to predict the flag.
func HostFlags(m *Message) int32 {
	f := m.SysFlag &^ (FlagBornHostV6 | FlagStoreHostV6)
	if isV6(m.BornHost) {
		f |= FlagBornHostV6
	}
	if isV6(m.StoreHost) {
		f |= FlagStoreHostV6
	}
	return f
}

// AppendRecord appends the V1 encoding of m to dst. The body CRC is
// computed here; the store patches the offsets and the store timestamp.
func AppendRecord(dst []byte, m *Message) ([]byte, error) {
	if len(m.Topic) > MaxTopicLen {
		return dst, fmt.Errorf("%w: %d bytes", ErrTopicTooLong, len(m.Topic))
	}
	if len(m.Properties) > 32767 {
		return dst, fmt.Errorf("%w: %d bytes", ErrPropertiesTooLong, len(m.Properties))
	}
	size := RecordSize(m)
	b := binary.BigEndian
	dst = b.AppendUint32(dst, uint32(size))
	dst = b.AppendUint32(dst, MagicCode)
	dst = b.AppendUint32(dst, crc32.ChecksumIEEE(m.Body)&0x7FFFFFFF)
	dst = b.AppendUint32(dst, uint32(m.QueueID))
	dst = b.AppendUint32(dst, uint32(m.Flag))
	dst = b.AppendUint64(dst, uint64(m.QueueOffset))
	dst = b.AppendUint64(dst, uint64(m.PhysicalOffset))
	dst = b.AppendUint32(dst, uint32(HostFlags(m)))
	dst = b.AppendUint64(dst, uint64(m.BornTimestamp))
	dst = appendHost(dst, m.BornHost)
	dst = b.AppendUint64(dst, uint64(m.StoreTimestamp))
	dst = appendHost(dst, m.StoreHost)
	dst = b.AppendUint32(dst, uint32(m.ReconsumeTimes))
	dst = b.AppendUint64(dst, uint64(m.PreparedTransactionOffset))
	dst = b.AppendUint32(dst, uint32(len(m.Body)))
	dst = append(dst, m.Body...)
	dst = append(dst, byte(len(m.Topic)))
	dst = append(dst, m.Topic...)
	dst = b.AppendUint16(dst, uint16(len(m.Properties)))
	dst = append(dst, m.Properties...)
	return dst, nil
}

func appendHost(dst []byte, a netip.AddrPort) []byte {
	addr := a.Addr().Unmap()
	if addr.Is4() {
		ip := addr.As4()
		dst = append(dst, ip[:]...)
	} else if addr.Is6() {
		ip := addr.As16()
		dst = append(dst, ip[:]...)
	} else {
		dst = append(dst, 0, 0, 0, 0)
	}
	return binary.BigEndian.AppendUint32(dst, uint32(a.Port()))
}

// StoreTimestampPos is the position of STORETIMESTAMP in a record with
// the given sysFlag.
func StoreTimestampPos(sysFlag int32) int {
	if sysFlag&FlagBornHostV6 != 0 {
		return PosBornHost + 20
	}
	return PosBornHost + 8
}

// PatchStore writes the values the store assigns into an encoded record.
func PatchStore(rec []byte, queueOffset, physicalOffset, storeTimestamp int64) {
	b := binary.BigEndian
	b.PutUint64(rec[PosQueueOffset:], uint64(queueOffset))
	b.PutUint64(rec[PosPhysicalOffset:], uint64(physicalOffset))
	sysFlag := int32(b.Uint32(rec[PosSysFlag:]))
	b.PutUint64(rec[StoreTimestampPos(sysFlag):], uint64(storeTimestamp))
}

// Decode decodes the record at the start of b and returns it with its size.
// Body and Properties alias b's memory only for Body; Topic and Properties
// are copied.
func Decode(b []byte) (Message, int, error) {
	var m Message
	r := reader{b: b}
	size := int(r.u32())
	if r.err == nil && (size < 91 || size > len(b)) {
		if size > len(b) {
			return m, 0, fmt.Errorf("%w: record of %d bytes, %d available", ErrTruncated, size, len(b))
		}
		return m, 0, fmt.Errorf("%w: record size %d", ErrMalformed, size)
	}
	r.b = b[:size]
	if magic := r.u32(); r.err == nil && magic != MagicCode {
		return m, 0, fmt.Errorf("%w: magic %#x", ErrMalformed, magic)
	}
	r.u32() // body CRC
	m.QueueID = int32(r.u32())
	m.Flag = int32(r.u32())
	m.QueueOffset = int64(r.u64())
	m.PhysicalOffset = int64(r.u64())
	m.SysFlag = int32(r.u32())
	m.BornTimestamp = int64(r.u64())
	m.BornHost = r.host(m.SysFlag&FlagBornHostV6 != 0)
	m.StoreTimestamp = int64(r.u64())
	m.StoreHost = r.host(m.SysFlag&FlagStoreHostV6 != 0)
	m.ReconsumeTimes = int32(r.u32())
	m.PreparedTransactionOffset = int64(r.u64())
	m.Body = r.bytes(int(r.u32()))
	m.Topic = string(r.bytes(int(r.u8())))
	m.Properties = string(r.bytes(int(r.u16())))
	if r.err != nil {
		return Message{}, 0, r.err
	}
	if r.off != size {
		return Message{}, 0, fmt.Errorf("%w: record size %d but fields end at %d", ErrMalformed, size, r.off)
	}
	return m, size, nil
}

// DecodeAll decodes records stored back to back, as in a pull reply.
func DecodeAll(b []byte) ([]Message, error) {
	var out []Message
	for len(b) > 0 {
		m, n, err := Decode(b)
		if err != nil {
			return out, fmt.Errorf("record %d: %w", len(out), err)
		}
		out = append(out, m)
		b = b[n:]
	}
	return out, nil
}

// OffsetMsgID returns the offset message id of this stored message.
func (m *Message) OffsetMsgID() string { return OffsetMsgID(m.StoreHost, m.PhysicalOffset) }

// reader reads big-endian fields and remembers the first error.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) need(n int) bool {
	if r.err != nil {
		return false
	}
	if n < 0 || len(r.b)-r.off < n {
		r.err = fmt.Errorf("%w: need %d bytes at %d, have %d", ErrTruncated, n, r.off, len(r.b)-r.off)
		return false
	}
	return true
}

func (r *reader) u8() uint8 {
	if !r.need(1) {
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *reader) u16() uint16 {
	if !r.need(2) {
		return 0
	}
	r.off += 2
	return binary.BigEndian.Uint16(r.b[r.off-2:])
}

func (r *reader) u32() uint32 {
	if !r.need(4) {
		return 0
	}
	r.off += 4
	return binary.BigEndian.Uint32(r.b[r.off-4:])
}

func (r *reader) u64() uint64 {
	if !r.need(8) {
		return 0
	}
	r.off += 8
	return binary.BigEndian.Uint64(r.b[r.off-8:])
}

func (r *reader) bytes(n int) []byte {
	if !r.need(n) {
		return nil
	}
	r.off += n
	return r.b[r.off-n : r.off : r.off]
}

func (r *reader) host(v6 bool) netip.AddrPort {
	n := 4
	if v6 {
		n = 16
	}
	ip := r.bytes(n)
	port := r.u32()
	if r.err != nil {
		return netip.AddrPort{}
	}
	addr, _ := netip.AddrFromSlice(ip)
	return netip.AddrPortFrom(addr, uint16(port))
}
