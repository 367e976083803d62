package service

import (
	"context"
	"errors"

	kerrors "github.com/go-kratos/kratos/v2/errors"

	"github.com/sagashop/sagashop/pkg/idem"
	v1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
)

// apiError gives every error leaving the API a reason: domain errors
// (kratos errors from the generated helpers) pass unchanged, a lost
// optimistic lock is CONFLICT, an expired deadline UNAVAILABLE, and
// anything else INTERNAL.
func apiError(err error) error {
	if err == nil {
		return nil
	}
	var ke *kerrors.Error
	switch {
	case errors.As(err, &ke):
		return err
	case errors.Is(err, idem.ErrConflict):
		return v1.ErrorConflict("%v", err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return v1.ErrorUnavailable("%v", err)
	}
	return v1.ErrorInternal("%v", err)
}
