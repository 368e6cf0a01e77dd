package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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
	var old programItem
	if err := s.getItem(ctx, "get program", programKey(programID), &old, apperr.NotFound("program %s not found", programID)); err != nil {
		return err
	}
	duePK, dueSK := dueAttrs(sweepBilling, programID, anniversary(old.StartDate, year+1))
	items := []txItem{s.update(programKey(programID), "SET billedYears = :y, DuePK = :dpk, DueSK = :dsk",
		"billedYears = :prev AND payment = :host", nil,
		map[string]types.AttributeValue{":y": avN(year), ":prev": avN(year - 1), ":host": av(string(program.HostPaid)), ":dpk": av(duePK), ":dsk": av(dueSK)},
		apperr.Conflict("program %s year %d was already billed", programID, year))}
	if inv != nil {
		items = append(items, s.invoiceGuard(fmt.Sprintf("host_annual#%s#%d", programID, year), inv.ID))
		items = append(items, s.invoiceWrite(*inv, audit.System)...)
	}
	items = append(items, s.outboxWrites(msgs)...)
	return s.transact(ctx, "bill program year", items...)
}
