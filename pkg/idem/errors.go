package idem

import "errors"

// ErrConflict reports that a unit of work lost a race and may succeed when
// run again: an optimistic version check matched no row, or the database
// chose the transaction as a deadlock victim, timed out on a lock wait, or
// was busy. Storage code wraps it with the values involved; callers match it
// with errors.Is and usually hand the work to Retry.
var ErrConflict = errors.New("idem: version conflict")
