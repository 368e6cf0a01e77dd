package store_test

import (
	"testing"

	"github.com/tandemhq/tandem/shared/store/storetest"
)

// The DynamoDB store holds to the store contract, each run on a fresh
// table of DynamoDB Local.
func TestContract(t *testing.T) {
	storetest.Contract(t, func(t *testing.T) storetest.Store { return storetest.New(t) })
}
