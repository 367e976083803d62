package idemkey

import "errors"

// ErrCorruptRecord reports a Redis value under an idempotency key that is
// not a record this package wrote.
var ErrCorruptRecord = errors.New("idemkey: corrupt record")
