package biz

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// NewPaymentSN returns a unique payment number: "P", the UTC time to the
// millisecond (sortable), and 64 random bits from crypto/rand, so two
// processes minting numbers in the same millisecond do not collide.
func NewPaymentSN(now time.Time) (string, error) {
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", fmt.Errorf("biz: payment sn: %w", err)
	}
	now = now.UTC()
	return fmt.Sprintf("P%s%03d%s", now.Format("20060102150405"), now.Nanosecond()/int(time.Millisecond),
		hex.EncodeToString(rnd[:])), nil
}
