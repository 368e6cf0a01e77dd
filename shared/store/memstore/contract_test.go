package memstore_test

import (
	"testing"

	"github.com/tandemhq/tandem/shared/store/memstore"
	"github.com/tandemhq/tandem/shared/store/storetest"
)

// The in-memory store holds to the contract the DynamoDB store is held to
// (shared/store's TestContract): one suite, two stores.
func TestContract(t *testing.T) {
	storetest.Contract(t, func(*testing.T) storetest.Store { return memstore.New(storetest.Keys) })
}
