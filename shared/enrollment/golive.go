package enrollment

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// goLive completes c for an enrollment becoming active for the first time:
// the membership year starts now, the partner gets its credential link, the
// host is told.
func (s *Service) goLive(ctx context.Context, c *Change, prg program.Program, now time.Time) error {
	c.After.GoLiveAt = now
	if !c.After.HostPaid {
		c.After.RenewalDate = billing.AddYears(now, 1)
		if id := c.After.MembershipInvoiceID; id != "" {
			// The membership year starts now: the invoice's period says so.
			k := -1
			for i := range c.Invoices {
				if c.Invoices[i].After.ID == id {
					k = i
				}
			}
			if k < 0 {
				inv, err := s.store.GetInvoice(ctx, id)
				if err != nil {
					return err
				}
				after := inv
				after.UpdatedAt, after.Version = now, inv.Version+1
				c.Invoices = append(c.Invoices, InvoiceChange{Before: inv, After: after})
				k = len(c.Invoices) - 1
			}
			c.Invoices[k].After.PeriodStart = billing.Date(now)
			c.Invoices[k].After.PeriodEnd = billing.Date(c.After.RenewalDate)
		}
	}
	tok, msg := Credential(c.After, prg, s.Origin, now)
	c.Tokens = append(c.Tokens, tok)
	c.Messages = append(c.Messages, msg)
	c.Messages = append(c.Messages, s.mail(prg, prg.NotifyEmails, c.After.ID, notify.EnrollmentLiveHost{
		ProgramMail: s.programMail(prg), CompanyName: c.After.Company.Name, EnrollmentID: c.After.ID,
	}, now, true))
	return nil
}
