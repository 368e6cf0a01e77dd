// Package memstore keeps Tandem's objects in memory, behind the same
// methods as shared/store's DynamoDB store: every domain store interface,
// with the same values, errors, order and pages. Unit tables and in-process
// handler tests run services on it in milliseconds; the contract suite
// (shared/store/storetest) runs the same tests against both, so it stays
// the real store's twin.
//
// It is shared/store's table modelled item by item: each object sits under
// the partition and sort key the store gives it (keys.go), with the same
// entries in the indexes (GSI1, GSI2, the sparse Due and Ops indexes), and
// each write is the store's transaction — the same items, each on the same
// condition, the first failed condition reported with the store's error.
// What a read returns has been through the same conversions as the stored
// attributes (records.go): times to the millisecond in UTC, empty lists
// and sets as nil, nested values through JSON. Lists page as a DynamoDB
// Query does (a limit of items evaluated, filters applied after it, the last
// evaluated key as the signed cursor), and the sweeps read the sharded due
// index shard by shard.
//
// Files mirror shared/store's, so a method's twin is found under the same
// name. A Store is safe for concurrent use (one mutex) and deterministic:
// it reads the clock only where the store does (DisableWebhook without
// messages) and otherwise takes the time it is given.
package memstore

import (
	"sync"

	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/hostbilling"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/merger"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/registration"
	"github.com/tandemhq/tandem/shared/report"
	"github.com/tandemhq/tandem/shared/session"
	"github.com/tandemhq/tandem/shared/suppression"
	"github.com/tandemhq/tandem/shared/webhook"
)

// Store is the in-memory store. It is safe for concurrent use.
type Store struct {
	mu    sync.Mutex
	items map[string]*item
	// parts holds each index's partitions: index and partition key to the
	// items in it, by table key.
	parts  map[string]map[string]*item
	seq    uint64
	cursor cursorCodec
}

// New returns an empty store signing list cursors with keys (nil for a
// store that lists nothing: a list with more than one page then fails, as
// the DynamoDB store's does without keys).
func New(keys *keyring.Ring) *Store {
	return &Store{items: map[string]*item{}, parts: map[string]map[string]*item{}, cursor: cursorCodec{keys: keys}}
}

// Every consumer interface the domain packages declare over the store.
// (Those of the transport and job packages — router, api, jobs, delivery —
// are asserted in interfaces_test.go, so that their own tests may import
// memstore.)
var (
	_ billing.Store             = (*Store)(nil)
	_ collab.Store              = (*Store)(nil)
	_ collab.Intake             = (*Store)(nil)
	_ collab.StaleStore         = (*Store)(nil)
	_ collab.CaseReader         = (*Store)(nil)
	_ collab.Stepper            = (*Store)(nil)
	_ collab.Escalations        = (*Store)(nil)
	_ collab.DirectoryReader    = (*Store)(nil)
	_ collab.MailCounter        = (*Store)(nil)
	_ department.Store          = (*Store)(nil)
	_ enrollment.Store          = (*Store)(nil)
	_ enrollment.Reader         = (*Store)(nil)
	_ enrollment.WaitingStore   = (*Store)(nil)
	_ enrollment.Transitions    = (*Store)(nil)
	_ enrollment.OneTimeLinks   = (*Store)(nil)
	_ enrollment.Renewals       = (*Store)(nil)
	_ enrollment.Addenda        = (*Store)(nil)
	_ hostbilling.HostStore     = (*Store)(nil)
	_ marketplace.Store         = (*Store)(nil)
	_ member.Store              = (*Store)(nil)
	_ merger.Store              = (*Store)(nil)
	_ merger.Mergers            = (*Store)(nil)
	_ merger.Eligibility        = (*Store)(nil)
	_ merger.Previewer          = (*Store)(nil)
	_ merger.UserMoves          = (*Store)(nil)
	_ merger.DepartmentMoves    = (*Store)(nil)
	_ merger.EnrollmentMoves    = (*Store)(nil)
	_ merger.CaseMoves          = (*Store)(nil)
	_ merger.InvoiceMoves       = (*Store)(nil)
	_ merger.ConfigurationMoves = (*Store)(nil)
	_ notify.DeadLetterStore    = (*Store)(nil)
	_ program.Store             = (*Store)(nil)
	_ registration.Store        = (*Store)(nil)
	_ report.Store              = (*Store)(nil)
	_ session.Store             = (*Store)(nil)
	_ suppression.Store         = (*Store)(nil)
	_ webhook.Store             = (*Store)(nil)
	_ webhook.SecretStore       = (*Store)(nil)
	_ webhook.DeliveryStore     = (*Store)(nil)
)
