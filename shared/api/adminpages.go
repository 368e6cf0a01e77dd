package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/web"
	"github.com/tandemhq/tandem/shared/webhook"
)

// dateLayout is how pages show civil dates.
const dateLayout = "2 January 2006"

// invoiceList serves GET /invoices: the signed-in admin's member's
// invoices (operators name the member with ?memberId=), newest first.
func (s *Server) invoiceList(ctx context.Context, r *router.Request) (*router.Response, error) {
	items, next, err := s.Invoices.List(ctx, r.Principal, r.Query.Get("memberId"), 25, r.Query.Get("cursor"))
	if err != nil {
		return nil, err
	}
	now, names := s.Now(), s.programNames()
	l := web.InvoiceList{Nav: s.nav(ctx, r, "invoices"), NextCursor: next}
	if r.Principal.Operator {
		l.MemberID = r.Query.Get("memberId")
	}
	for _, inv := range items {
		l.Rows = append(l.Rows, web.InvoiceRow{
			ID: inv.ID, Program: names(ctx, inv.ProgramID), Kind: string(inv.Kind), Period: period(inv),
			Total: billing.Money(inv.TotalCents), Status: string(inv.Status), Due: inv.DueAt.Format(dateLayout), Overdue: invoiceOverdue(inv, now),
		})
	}
	return router.Page(http.StatusOK, web.InvoicesPage(l)), nil
}

// invoicePage serves GET /invoices/{id}: one invoice, printable.
func (s *Server) invoicePage(ctx context.Context, r *router.Request) (*router.Response, error) {
	inv, err := s.Invoices.Get(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	d := web.InvoiceDoc{
		Nav: s.nav(ctx, r, "invoices"), ID: inv.ID, Kind: string(inv.Kind), Program: s.programNames()(ctx, inv.ProgramID), Status: string(inv.Status),
		Issued: inv.IssuedAt.Format(dateLayout), Due: inv.DueAt.Format(dateLayout), Period: period(inv),
		Total: billing.Money(inv.TotalCents), Currency: inv.Currency, Overdue: invoiceOverdue(inv, s.Now()),
	}
	m, err := s.Members.Store.GetMember(ctx, inv.MemberID)
	if err != nil {
		return nil, err
	}
	d.Company, d.Contact, d.ContactEmail = m.Name, m.Contacts.Billing.Name, m.Contacts.Billing.Email
	for _, l := range inv.Lines {
		d.Lines = append(d.Lines, web.InvoiceLine{Description: l.Description, Quantity: strconv.Itoa(l.Quantity), Unit: billing.Money(l.UnitCents), Amount: billing.Money(l.AmountCents)})
	}
	if inv.Status == billing.Paid {
		d.Paid, d.PaidAmount, d.PaymentRef = inv.PaidAt.Format(dateLayout), billing.Money(inv.PaidCents), inv.PaymentRef
	}
	evs, _, err := s.Invoices.Events(ctx, r.Principal, inv.ID, historyLimit, "")
	if err != nil {
		return nil, err
	}
	d.History = s.history(ctx, r, evs, inv.MemberID)
	return router.Page(http.StatusOK, web.InvoicePage(d)), nil
}

// programNames looks program names up once per page; a program that cannot
// be read shows its id.
func (s *Server) programNames() func(context.Context, string) string {
	seen := map[string]string{}
	return func(ctx context.Context, id string) string {
		if n, ok := seen[id]; ok {
			return n
		}
		n := id
		if p, err := s.Programs.Store.GetProgram(ctx, id); err == nil {
			n = p.Name
		}
		seen[id] = n
		return n
	}
}

// period is an invoice's period as a person reads it: the end is exclusive
// in the data, the page names the last day covered.
func period(inv billing.Invoice) string {
	start, err1 := time.Parse(time.DateOnly, inv.PeriodStart)
	end, err2 := time.Parse(time.DateOnly, inv.PeriodEnd)
	if err1 != nil || err2 != nil || !end.After(start) {
		return inv.PeriodStart + " to " + inv.PeriodEnd
	}
	return start.Format(dateLayout) + " to " + end.AddDate(0, 0, -1).Format(dateLayout)
}

func invoiceOverdue(inv billing.Invoice, now time.Time) bool {
	return inv.Status == billing.Open && now.After(inv.DueAt)
}

// webhooksPage serves GET /webhooks: the member's signing secret (when it
// was made, never its value), the departments' outbound addresses and the
// delivery log. For the member's admins.
func (s *Server) webhooksPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	w, err := s.webhooksData(ctx, r)
	if err != nil {
		return nil, err
	}
	return router.Page(http.StatusOK, web.WebhooksView(w)), nil
}

// rotateSecretForm serves POST /webhooks/secret: makes a new signing
// secret and shows it on the page it answers with, once (the answer is
// never cached; the previous secret keeps verifying for the grace period).
func (s *Server) rotateSecretForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	memberID, err := webhooksMember(r) // the page's refusals, before anything changes
	if err != nil {
		return nil, err
	}
	secret, err := s.Secrets.Rotate(ctx, r.Principal, memberID)
	if err != nil {
		return nil, err
	}
	w, err := s.webhooksData(ctx, r)
	if err != nil {
		return nil, err
	}
	w.NewSecret = secret
	return router.Page(http.StatusOK, web.WebhooksView(w)), nil
}

// webhooksMember is the member whose webhooks r's user may run: their own,
// as its admin.
func webhooksMember(r *router.Request) (string, error) {
	memberID := r.Principal.MemberID
	if memberID == "" {
		return "", apperr.Forbidden("webhooks belong to a member; operators read a member's deliveries over the API")
	}
	if !r.Principal.AdminOf(memberID) {
		return "", apperr.Forbidden("webhooks are for the member's admins")
	}
	return memberID, nil
}

func (s *Server) webhooksData(ctx context.Context, r *router.Request) (web.WebhooksPage, error) {
	memberID, err := webhooksMember(r)
	if err != nil {
		return web.WebhooksPage{}, err
	}
	loc, _, _ := viewerZone(r)
	w := web.WebhooksPage{Nav: s.nav(ctx, r, "webhooks"), Inbound: s.BaseURL + "/v1/hooks/" + memberID}
	set, err := s.Secrets.Store.GetWebhookSecrets(ctx, memberID)
	switch {
	case errors.Is(err, webhook.ErrNoSecret):
	case err != nil:
		return web.WebhooksPage{}, err
	default:
		w.RotatedAt = set.RotatedAt.In(loc).Format(timeLayout)
		if set.Previous != "" && s.Now().Before(set.PreviousUntil) {
			w.PreviousUntil = set.PreviousUntil.In(loc).Format(timeLayout)
		}
	}
	deps, err := s.Departments.List(ctx, r.Principal, memberID)
	if err != nil {
		return web.WebhooksPage{}, err
	}
	for _, d := range deps {
		if d.Inbound.WebhookURL != "" {
			w.Targets = append(w.Targets, web.HookTarget{Department: d.Name, URL: d.Inbound.WebhookURL})
		}
	}
	items, next, err := s.Hooks.ListDeliveries(ctx, memberID, 25, r.Query.Get("cursor"))
	if err != nil {
		return web.WebhooksPage{}, err
	}
	w.NextCursor = next
	for _, d := range items {
		row := web.DeliveryRow{At: d.At.In(loc).Format(timeLayout), EventType: d.EventType, URL: d.URL, Attempt: "attempt " + strconv.Itoa(d.Attempt), OK: d.OK, Error: d.Error}
		switch {
		case d.OK:
			row.Result = "delivered (" + strconv.Itoa(d.Status) + ")"
		case d.Status != 0:
			row.Result = "failed (" + strconv.Itoa(d.Status) + ")"
		default:
			row.Result = "failed"
		}
		w.Rows = append(w.Rows, row)
	}
	return w, nil
}
