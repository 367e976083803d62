package broker

import (
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// uniqKeys makes UNIQ_KEY values for messages that arrive without one
// (the Go client's batch messages), in the client's 32-hex-digit layout:
// address, pid and a zero class-loader id, then 48 bits of sequence. The
// sequence starts at the current time in microseconds, so a restarted
// broker does not repeat keys unless it issued more than one per
// microsecond for its whole previous life.
type uniqKeys struct {
	prefix string
	seq    atomic.Uint64
}

func newUniqKeys(host netip.Addr) *uniqKeys {
	var b [10]byte
	ip := host.Unmap().As16()
	copy(b[:4], ip[12:])
	binary.BigEndian.PutUint16(b[4:], uint16(os.Getpid()))
	u := &uniqKeys{prefix: strings.ToUpper(hex.EncodeToString(b[:]))}
	u.seq.Store(uint64(time.Now().UnixMicro()))
	return u
}

func (u *uniqKeys) next() string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], u.seq.Add(1))
	return u.prefix + hex.EncodeToString(b[2:])
}
