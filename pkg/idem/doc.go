// Package idem holds the vocabulary of idempotent, optimistic updates shared by
// every layer: the ErrConflict sentinel that storage code returns when an
// optimistic version check or a database lock is lost, and Retry, which runs a
// unit of work again while it keeps failing with that error.
//
// The package is pure Go (no gorm, no redis) so that biz packages may import it.
package idem
