package namesrv

import "errors"

// Sentinel errors; callers match them with errors.Is.
var (
	// ErrBadOptions means New was given options it cannot run with.
	ErrBadOptions = errors.New("namesrv: bad options")
	// ErrMissingField means a request lacks a required ext field.
	ErrMissingField = errors.New("namesrv: missing ext field")
	// ErrBadField means a request's ext field has an unusable value.
	ErrBadField = errors.New("namesrv: bad ext field")
	// ErrBadBody means a request body could not be decoded.
	ErrBadBody = errors.New("namesrv: bad request body")
)
