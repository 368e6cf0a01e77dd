package memstore

import (
	"context"
	"fmt"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// BillProgramYear implements billing.HostStore: the program moves to year
// (conditional on the previous year being the last billed), its next
// anniversary becomes its due time, and the invoice is issued under the
// deterministic key (program, year).
func (s *Store) BillProgramYear(ctx context.Context, programID string, year int, inv *billing.Invoice, msgs []notify.Message) error {
	old, ok := getVal[program.Program](s, programPK(programID), metaSK)
	if !ok {
		return apperr.NotFound("program %s not found", programID)
	}
	ws := []write{update(programPK(programID), metaSK, func(cur *item) bool {
		p, ok := valOf[program.Program](cur)
		return ok && p.BilledYears == year-1 && p.Payment == program.HostPaid
	}, func(cur *item) *item {
		p := cur.v.(program.Program)
		p.BilledYears = year
		cur.DuePK, cur.DueSK = dueAttrs(sweepBilling, programID, anniversary(old.StartDate, year+1))
		cur.v = p
		return cur
	}, apperr.Conflict("program %s year %d was already billed", programID, year))}
	if inv != nil {
		ws = append(ws, invoiceGuard(fmt.Sprintf("host_annual#%s#%d", programID, year), inv.ID))
		ws = append(ws, invoiceWrite(*inv, audit.System)...)
	}
	ws = append(ws, outboxWrites(msgs)...)
	return s.transact("bill program year", ws...)
}
