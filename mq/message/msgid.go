package message

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
)

// OffsetMsgID is the broker-side message id: upper-case hex of the store
// host's address, its port as int32 and the physical offset as int64.
func OffsetMsgID(storeHost netip.AddrPort, physicalOffset int64) string {
	var buf [28]byte
	b := appendHost(buf[:0], storeHost)
	b = binary.BigEndian.AppendUint64(b, uint64(physicalOffset))
	return strings.ToUpper(hex.EncodeToString(b))
}

// ParseOffsetMsgID reverses OffsetMsgID for IPv4 (32 hex chars) and IPv6
// (56 hex chars) ids.
func ParseOffsetMsgID(id string) (netip.AddrPort, int64, error) {
	if len(id) != 32 && len(id) != 56 {
		return netip.AddrPort{}, 0, fmt.Errorf("%w: %q has %d chars", ErrBadMsgID, id, len(id))
	}
	raw, err := hex.DecodeString(id)
	if err != nil {
		return netip.AddrPort{}, 0, fmt.Errorf("%w: %q: %w", ErrBadMsgID, id, err)
	}
	ipLen := len(raw) - 12
	addr, _ := netip.AddrFromSlice(raw[:ipLen])
	port := binary.BigEndian.Uint32(raw[ipLen:])
	off := int64(binary.BigEndian.Uint64(raw[ipLen+4:]))
	// A client's UNIQ_KEY is also 32 hex digits; its fields land where
	// the port's high half and the offset's sign are, which a real offset
	// id never sets.
	if port > 0xFFFF || off < 0 {
		return netip.AddrPort{}, 0, fmt.Errorf("%w: %q has port %d and offset %d", ErrBadMsgID, id, port, off)
	}
	return netip.AddrPortFrom(addr, uint16(port)), off, nil
}
