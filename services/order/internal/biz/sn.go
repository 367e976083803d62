package biz

import (
	"crypto/rand"
	"fmt"
	"time"
)

// snAlphabet is Crockford's base32: no I, L, O or U, so an order_sn read
// aloud or typed is not misread.
const snAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// snRandomLen is the count of random base32 characters (40 bits): at 1000
// orders in one millisecond the chance of any collision is below 1e-6, and
// a collision is retried anyway.
const snRandomLen = 8

// NewSN returns an order_sn for an order created at t: the UTC time to the
// millisecond as 17 digits (yyyymmddHHMMSSmmm) and 8 random base32
// characters, so order_sns sort by creation time.
func NewSN(t time.Time) (string, error) {
	var rnd [snRandomLen]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", fmt.Errorf("biz: order_sn: %w", err)
	}
	buf := make([]byte, 0, 17+snRandomLen)
	buf = t.UTC().AppendFormat(buf, "20060102150405.000")
	buf = append(buf[:14], buf[15:]...) // drop the '.'
	for _, b := range rnd {
		buf = append(buf, snAlphabet[b&31])
	}
	return string(buf), nil
}
