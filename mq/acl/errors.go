package acl

import "errors"

// Sentinel errors; callers match them with errors.Is. Every error Check
// returns is a *Denial that matches ErrNoPermission and one reason below.
var (
	// ErrNoPermission means a request was refused.
	ErrNoPermission = errors.New("acl: no permission")
	// ErrNoAccessKey means the request carried no AccessKey.
	ErrNoAccessKey = errors.New("acl: no access key")
	// ErrUnknownAccessKey means no account has the request's AccessKey.
	ErrUnknownAccessKey = errors.New("acl: unknown access key")
	// ErrBadSignature means the Signature is missing or does not match.
	ErrBadSignature = errors.New("acl: bad signature")
	// ErrNotAdmin means an admin request code came from a non-admin account.
	ErrNotAdmin = errors.New("acl: admin permission required")
	// ErrResourceDenied means the account may not touch a topic or group
	// the way the request does.
	ErrResourceDenied = errors.New("acl: resource denied")
	// ErrConfig means an ACL file is invalid.
	ErrConfig = errors.New("acl: invalid config")
)

// Denial is a refused request. Its message is Java's wording, so that a
// client's error reads as it would against an Apache broker.
type Denial struct {
	// Reason is one of ErrNoAccessKey, ErrUnknownAccessKey,
	// ErrBadSignature, ErrNotAdmin and ErrResourceDenied.
	Reason error
	// AccessKey is the request's AccessKey; "" when it had none.
	AccessKey string
	// Code is the request code.
	Code int16
	// Msg says what was refused.
	Msg string
}

// Error returns "acl: no permission: " and Msg.
func (d *Denial) Error() string { return ErrNoPermission.Error() + ": " + d.Msg }

// Unwrap returns ErrNoPermission and Reason.
func (d *Denial) Unwrap() []error { return []error{ErrNoPermission, d.Reason} }
