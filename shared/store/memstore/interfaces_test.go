package memstore_test

import (
	"github.com/tandemhq/tandem/shared/api"
	"github.com/tandemhq/tandem/shared/jobs"
	"github.com/tandemhq/tandem/shared/notify/delivery"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/store/memstore"
)

// The store interfaces of the packages memstore does not import (their
// in-process tests import it).
var (
	_ delivery.OutboxStore    = (*memstore.Store)(nil)
	_ delivery.Suppressions   = (*memstore.Store)(nil)
	_ router.Credentials      = (*memstore.Store)(nil)
	_ router.IdempotencyStore = (*memstore.Store)(nil)
	_ api.HookStore           = (*memstore.Store)(nil)
	_ jobs.DueOutbox          = (*memstore.Store)(nil)
)
