package admin

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

// uniqKeys makes UNIQ_KEYs in the Go client's layout (primitive
// CreateUniqID): 20 upper-case hex digits of IPv4 address, int16 pid and
// int32 "class loader id", then 12 lower-case ones of int32 (seconds
// since the start of the month × 1000) and an int16 counter. The Go
// client writes 0 as class loader id, being alone in its process; a
// random one per Client keeps two Clients of one process, or an admin
// tool and a producer sharing a pid namespace, from making the same keys
// in the same second.
type uniqKeys struct {
	prefix string

	mu         sync.Mutex // guards the fields below
	monthStart time.Time
	monthEnd   time.Time
	counter    uint16
}

func newUniqKeys() *uniqKeys {
	var b [10]byte
	copy(b[:4], clientIP4())
	binary.BigEndian.PutUint16(b[4:], uint16(os.Getpid()))
	binary.BigEndian.PutUint32(b[6:], rand.Uint32())
	return &uniqKeys{prefix: strings.ToUpper(hex.EncodeToString(b[:])), counter: uint16(rand.Uint32())}
}

// next returns a new key.
func (u *uniqKeys) next(now time.Time) string {
	u.mu.Lock()
	if !now.Before(u.monthEnd) || now.Before(u.monthStart) {
		y, m, _ := now.Date()
		u.monthStart = time.Date(y, m, 1, 0, 0, 0, 0, now.Location())
		u.monthEnd = u.monthStart.AddDate(0, 1, 0)
	}
	u.counter++
	var b [6]byte
	binary.BigEndian.PutUint32(b[:], uint32((now.Unix()-u.monthStart.Unix())*1000))
	binary.BigEndian.PutUint16(b[4:], u.counter)
	u.mu.Unlock()
	return u.prefix + hex.EncodeToString(b[:])
}

// clientIP4 is the first non-loopback IPv4 address of this host, as the
// Go client picks it, or 127.0.0.1.
func clientIP4() net.IP {
	addrs, err := net.InterfaceAddrs()
	if err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() {
				if ip4 := n.IP.To4(); ip4 != nil {
					return ip4
				}
			}
		}
	}
	return net.IPv4(127, 0, 0, 1).To4()
}
