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
	if tooLarge(err) {
		return apperr.TooLarge("%s: the object would be larger than the 400 KB the table keeps per object; shorten its longest texts or lists", op)
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

// MaxItemBytes is DynamoDB's item size limit (400 KB, names and values).
const MaxItemBytes = 400 * 1024

// checkItemSize refuses an item DynamoDB would refuse, before sending it,
// as a 413 that says what to do rather than a ValidationException.
func checkItemSize(op string, item map[string]types.AttributeValue) error {
	if n := itemSize(item); n > MaxItemBytes {
		return apperr.TooLarge("%s: the object would take %d KB, more than the 400 KB the table keeps per object; shorten its longest texts or lists", op, n/1024)
	}
	return nil
}

// tooLarge reports DynamoDB's refusal of an oversized item or request.
func tooLarge(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "ValidationException" {
		m := strings.ToLower(ae.ErrorMessage())
		return strings.Contains(m, "item size") || strings.Contains(m, "size has exceeded") || strings.Contains(m, "maximum allowed size")
	}
	return false
}
