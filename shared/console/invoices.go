package console

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/payment"
	"github.com/tandemhq/tandem/shared/router"
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
	now, names := s.Now(), s.programNames(r.Principal)
	l := invoiceList{Nav: s.nav(r, "invoices"), NextCursor: next}
	if r.Principal.Operator {
		l.MemberID = r.Query.Get("memberId")
	}
	for _, inv := range items {
		l.Rows = append(l.Rows, invoiceRow{
			ID: inv.ID, Program: names(ctx, inv.ProgramID), Kind: string(inv.Kind), Period: period(inv),
			Total: billing.Money(inv.TotalCents), Status: string(inv.Status), Due: inv.DueAt.Format(dateLayout), Overdue: invoiceOverdue(inv, now),
		})
	}
	return router.Page(http.StatusOK, invoicesPage(l)), nil
}

// invoicePage serves GET /invoices/{id}: one invoice, printable, with
// "Pay now" for the billed member's admins while it is open and the form
// recording a bank transfer for operators. ?payment= says how Stripe
// Checkout came back (see payment.ReturnDone).
func (s *Server) invoicePage(ctx context.Context, r *router.Request) (*router.Response, error) {
	d, err := s.invoiceData(ctx, r, r.Param("id"))
	if err != nil {
		return nil, err
	}
	switch {
	case r.Query.Get("done") == "recorded":
		d.Notice = "The bank transfer is recorded: the invoice is paid, and the billing contact is mailed a receipt."
	case r.Query.Get("payment") == payment.ReturnDone && d.Status == string(billing.Paid):
		d.Notice = "Thank you: your payment is confirmed, and a receipt is on its way to your billing contact."
	case r.Query.Get("payment") == payment.ReturnDone && d.Open:
		d.Notice = "Thank you: Stripe is confirming your payment. This page shows the invoice paid once it is confirmed (usually within a minute; reload it), and a receipt follows by mail."
		d.PayNow = false
	case r.Query.Get("payment") == payment.ReturnCancelled && d.Open:
		d.Notice = "Payment cancelled: nothing was charged. Pay now again whenever you are ready."
	}
	return router.Page(http.StatusOK, invoicePage(d)), nil
}

// invoiceData is invoice id laid out for r's viewer.
func (s *Server) invoiceData(ctx context.Context, r *router.Request, id string) (invoiceDoc, error) {
	inv, err := s.Invoices.Get(ctx, r.Principal, id)
	if err != nil {
		return invoiceDoc{}, err
	}
	d := invoiceDoc{
		Nav: s.nav(r, "invoices"), ID: inv.ID, Kind: string(inv.Kind), Program: s.programNames(r.Principal)(ctx, inv.ProgramID), Status: string(inv.Status),
		Issued: inv.IssuedAt.Format(dateLayout), Due: inv.DueAt.Format(dateLayout), Period: period(inv),
		Total: billing.Money(inv.TotalCents), Currency: inv.Currency, Overdue: invoiceOverdue(inv, s.Now()),
		Open: inv.Status == billing.Open,
	}
	d.PayNow = d.Open && !r.Principal.Operator && r.Principal.AdminOf(inv.MemberID)
	if d.Open && r.Principal.Operator {
		d.Transfer = &formState{Values: map[string]string{"amountCents": strconv.FormatInt(inv.TotalCents, 10)}, Errors: map[string]string{}}
	}
	m, err := s.Members.Get(ctx, r.Principal, inv.MemberID)
	if err != nil {
		return invoiceDoc{}, err
	}
	d.Company, d.Contact, d.ContactEmail = m.Name, m.Contacts.Billing.Name, m.Contacts.Billing.Email
	for _, l := range inv.Lines {
		d.Lines = append(d.Lines, invoiceLine{Description: l.Description, Quantity: strconv.Itoa(l.Quantity), Unit: billing.Money(l.UnitCents), Amount: billing.Money(l.AmountCents)})
	}
	if inv.Status == billing.Paid {
		d.Paid, d.PaidAmount, d.PaymentRef = inv.PaidAt.Format(dateLayout), billing.Money(inv.PaidCents), inv.PaymentRef
	}
	evs, _, err := s.Invoices.Events(ctx, r.Principal, inv.ID, historyLimit, "")
	if err != nil {
		return invoiceDoc{}, err
	}
	d.History = s.history(ctx, r, evs, inv.MemberID)
	return d, nil
}

// checkoutForm serves POST /invoices/{id}/checkout ("Pay now"): 303 to a
// Stripe Checkout Session paying the invoice. An invoice paid meanwhile,
// or a provider that does not answer, shows the page again saying so.
func (s *Server) checkoutForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	sess, err := s.Payments.Checkout(ctx, r.Principal, r.Param("id"), "")
	if err == nil {
		return router.Redirect(sess.URL), nil
	}
	status, _ := router.Status(err)
	if status != http.StatusConflict && status != http.StatusServiceUnavailable {
		return nil, err
	}
	d, derr := s.invoiceData(ctx, r, r.Param("id"))
	if derr != nil {
		return nil, derr
	}
	msg, _, _ := apperr.Public(err)
	d.Problem = "The payment could not start: " + msg + "."
	return router.Page(status, invoicePage(d)), nil
}

// transferForm serves POST /invoices/{id}/payments (operators): a bank
// transfer recorded by the same rule as POST /v1/invoices/{id}/payments.
func (s *Server) transferForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	v, err := r.Form()
	if err != nil {
		return nil, err
	}
	id := r.Param("id")
	amount, perr := strconv.ParseInt(strings.TrimSpace(v.Get("amountCents")), 10, 64)
	if perr != nil {
		amount = -1 // never a total: the rule refuses it after who may record it
	}
	_, err = s.Enrollments.PayInvoice(ctx, r.Principal, id, v.Get("reference"), amount)
	if f, ok := refused(err); ok && perr != nil && f.Fields["amountCents"] != "" {
		err = apperr.InvalidField("amountCents", "must be a whole number of cents (50000 is USD 500.00)")
	}
	if err == nil {
		return router.Redirect("/invoices/" + id + "?done=recorded"), nil
	}
	f, ok := refused(err)
	if !ok {
		return nil, err
	}
	d, derr := s.invoiceData(ctx, r, id)
	if derr != nil {
		return nil, derr
	}
	if f.Conflict() {
		d.Problem = "That changed while you were looking: " + f.Message + ". The page shows the invoice as it is now."
	} else if d.Transfer != nil {
		d.Problem = "Please check the highlighted fields."
		d.Transfer.Values, d.Transfer.Errors = formValues(v), f.Fields
	}
	return router.Page(f.Status, invoicePage(d)), nil
}

// payLinkPage serves GET /pay/{token}, the "Pay now" link of invoice mail
// (no sign-in): 303 to a fresh Stripe Checkout Session for the open
// invoice. The contract wants the GET to go straight to Stripe; a mail
// scanner following it only creates a session that expires unused. A
// link that is bad or expired, an invoice paid or void, and the way back
// from Checkout (?payment=) are pages saying so.
func (s *Server) payLinkPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	token := r.Param("token")
	inv, err := s.Payments.LinkInvoice(ctx, token)
	if err != nil {
		status, _ := router.Status(err)
		if status >= 500 {
			return nil, err
		}
		msg, _, _ := apperr.Public(err)
		return message(status, "Payment link", msg, true, nil), nil
	}
	v := payLinkView{InvoiceID: inv.ID, Total: billing.Money(inv.TotalCents), Token: token}
	switch {
	case inv.Status == billing.Paid:
		v.Title, v.Message = "Invoice paid", "Invoice "+inv.ID+" ("+v.Total+") is paid: thank you. The receipt went to your billing contact; there is nothing more to do."
		if inv.Kind == billing.Membership {
			// The payer's next step is the console, which the page
			// does not link (the payer may not be its admin): say how.
			v.Message = "Invoice " + inv.ID + " (" + v.Total + ") is paid: thank you. The receipt went to your billing contact. " +
				"Once your support team has acknowledged the test case, you are live: your primary contact receives a mail whose link signs them in to Tandem."
		}
	case inv.Status != billing.Open:
		v.Title, v.Message, v.Bad = "Nothing to pay", "Invoice "+inv.ID+" is "+string(inv.Status)+": there is nothing to pay.", true
	case r.Query.Get("payment") == payment.ReturnDone:
		v.Title, v.Message = "Thank you", "Stripe is confirming your payment of "+v.Total+" for invoice "+inv.ID+". A receipt follows by mail once it is confirmed (usually within a minute); there is nothing more to do."
	case r.Query.Get("payment") == payment.ReturnCancelled:
		v.Title, v.Message, v.Retry = "Payment cancelled", "Nothing was charged. Invoice "+inv.ID+" ("+v.Total+") is still open.", true
	default:
		_, sess, err := s.Payments.LinkCheckout(ctx, token)
		if err == nil {
			return router.Redirect(sess.URL), nil
		}
		status, _ := router.Status(err)
		if status != http.StatusConflict && status != http.StatusServiceUnavailable {
			return nil, err
		}
		msg, _, _ := apperr.Public(err)
		v.Title, v.Message, v.Bad, v.Retry = "The payment could not start", msg+".", true, status == http.StatusServiceUnavailable
		return router.Page(status, payLinkPage(v)), nil
	}
	return router.Page(http.StatusOK, payLinkPage(v)), nil
}

// payLinkView is what a pay link's page says.
type payLinkView struct {
	Title, Message          string
	InvoiceID, Total, Token string
	// Bad marks a refusal; Retry offers to start the payment again.
	Bad, Retry bool
}

// programNames looks program names up once per page, as p may see the
// programs; a program that cannot be read shows its id.
func (s *Server) programNames(p auth.Principal) func(context.Context, string) string {
	seen := map[string]string{}
	return func(ctx context.Context, id string) string {
		if n, ok := seen[id]; ok {
			return n
		}
		n := id
		if prg, _, err := s.Programs.Get(ctx, p, id); err == nil {
			n = prg.Name
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

// invoiceRow is one line of the invoices page.
type invoiceRow struct {
	ID, Program, Kind, Period, Total, Status, Due string
	Overdue                                       bool
}

// invoiceList is the member's invoices, newest first.
type invoiceList struct {
	Nav        nav
	Rows       []invoiceRow
	NextCursor string
	// MemberID names the member when an operator reads its invoices.
	MemberID string
}

// invoiceLine is one line of an invoice document.
type invoiceLine struct{ Description, Quantity, Unit, Amount string }

// invoiceDoc is one invoice laid out to read and to print.
type invoiceDoc struct {
	// History is the invoice's timeline (not printed).
	History                        []timelineEntry
	Nav                            nav
	ID, Kind, Program, Status      string
	Company, Contact, ContactEmail string
	Issued, Due, Period, Total     string
	Currency                       string
	Lines                          []invoiceLine
	// Paid, PaidAmount and PaymentRef are set once the invoice is paid.
	Paid, PaidAmount, PaymentRef string
	Overdue, Open                bool
	// PayNow offers Stripe Checkout (the billed member's admins, open
	// invoices); Transfer is the operators' bank-transfer form.
	PayNow   bool
	Transfer *formState
	// Notice and Problem say how the last step went.
	Notice, Problem string
}
