package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/tandemhq/tandem/shared/apperr"
)

// ErrOptimisticConcurrency is a failed condition on a write: the object
// changed (or exists, or is gone) since it was read. It is a conflict.
var ErrOptimisticConcurrency = fmt.Errorf("the object changed since it was read: %w", apperr.ErrConflict)

// mapErr turns SDK failures into Tandem's error kinds: conditions become
// conflicts; throttling, deadlines and network trouble become unavailable
// (503 with Retry-After); anything else stays internal.
func mapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return fmt.Errorf("%s: %w", op, ErrOptimisticConcurrency)
	}
	if unavailable(err) {
		return apperr.Unavailable(fmt.Errorf("%s: %w", op, err), "the database is busy or unreachable; retry shortly")
	}
	return fmt.Errorf("%s: %w", op, err)
}

func unavailable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var maxAttempts *retry.MaxAttemptsError
	if errors.As(err, &maxAttempts) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
			"InternalServerError", "ServiceUnavailable", "LimitExceededException", "TransactionInProgressException":
			return true
		}
	}
	var ise *types.InternalServerError
	if errors.As(err, &ise) {
		return true
	}
	return strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "connection reset")
}
