package console

import (
	"context"
	"net/http"

	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/router"
)

// sendingPage serves GET /members/{id}/sending-domain: the member's
// sending domain, the DNS records to publish and where SES's verification
// stands (as last read), with the forms that register a domain and check
// it now. For the member's admins and operators.
func (s *Server) sendingPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	m, err := s.Members.Get(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	p := s.sendingData(r, m)
	p.Notice = sendingNotices[r.Query.Get("done")]
	return router.Page(http.StatusOK, sendingView(p)), nil
}

// sendingNotices are what a person sees after a form of the page.
var sendingNotices = map[string]string{
	"registered": "Registered. Publish the records below at your DNS provider; SES checks them on its own, and \"Check now\" reads where it stands.",
	"checked":    "Checked with SES just now.",
}

// sendingForm serves POST /members/{id}/sending-domain: registers the
// domain with SES (POST /v1/members/{id}/sending-domain) and shows its
// records; invalid input → the page again, 422, with the error by the
// field.
func (s *Server) sendingForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	v, err := r.Form()
	if err != nil {
		return nil, err
	}
	m, err := s.Members.RegisterSendingDomain(ctx, r.Principal, r.Param("id"), v.Get("domain"))
	if err == nil {
		err = s.Programs.RefreshSender(ctx, m)
	}
	if err != nil {
		return s.sendingAgain(ctx, r, err, formState{Values: formValues(v)})
	}
	return router.Redirect("/members/" + m.ID + "/sending-domain?done=registered"), nil
}

// sendingCheckForm serves POST /members/{id}/sending-domain/check ("Check
// now"): reads SES's verification (GET /v1/members/{id}/sending-domain);
// programs that send as the member switch address when it changed.
func (s *Server) sendingCheckForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	m, changed, err := s.Members.SendingDomainStatus(ctx, r.Principal, r.Param("id"))
	if err == nil && changed {
		err = s.Programs.RefreshSender(ctx, m)
	}
	if err != nil {
		return s.sendingAgain(ctx, r, err, formState{})
	}
	return router.Redirect("/members/" + m.ID + "/sending-domain?done=checked"), nil
}

// sendingAgain is the page again after a refused form (422 with the
// domain's error, 409 with what changed); anything else is the error page.
func (s *Server) sendingAgain(ctx context.Context, r *router.Request, cause error, f formState) (*router.Response, error) {
	ref, ok := refused(cause)
	if !ok {
		return nil, cause
	}
	m, err := s.Members.Get(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	p := s.sendingData(r, m)
	p.Problem = ref.Message
	if len(ref.Fields) > 0 {
		p.Problem = "Please check the domain."
		f.Errors = ref.Fields
		p.Form = f
	}
	return router.Page(ref.Status, sendingView(p)), nil
}

func (s *Server) sendingData(r *router.Request, m member.Member) sendingPage {
	p := sendingPage{Nav: s.nav(r, "people"), MemberID: m.ID, MemberName: m.Name, OwnDomain: m.Domain,
		Domain: m.Sending.Domain, Status: sendingStatusOf(m.Sending), Form: formState{Values: map[string]string{"domain": m.Sending.Domain}}}
	for _, rec := range m.Sending.Records {
		p.Records = append(p.Records, dnsRow(rec))
	}
	return p
}

// sendingStatus is where a sending domain's verification stands, in words.
type sendingStatus struct {
	// Label is the status in a word or two; Text says what it means and
	// what to do.
	Label, Text string
	// Kind styles it: ok (verified), bad (failed, needs doing again) or
	// waiting.
	Kind string
}

// sendingStatusOf says where d's verification stands (SES's DKIM status).
func sendingStatusOf(d member.SendingDomain) sendingStatus {
	switch {
	case d.Verified:
		return sendingStatus{"Verified", "Your programs that send as you send from your own address at this domain.", "ok"}
	case d.Status == "FAILED":
		return sendingStatus{"Failed", "SES could not find the records (or they were removed). Check them at your DNS provider, then register the domain again.", "bad"}
	case d.Status == "TEMPORARY_FAILURE":
		return sendingStatus{"Temporary failure", "SES could not read your DNS just now and will try again. Make sure the records are published.", "waiting"}
	case d.Status == "NOT_STARTED":
		return sendingStatus{"Not started", "SES no longer has this domain: register it again.", "bad"}
	default:
		return sendingStatus{"Pending", "Waiting for the records below: once they are published SES verifies the domain, which can take up to 72 hours. Until then your programs' mail goes from Tandem's address in your name, and replies come to you.", "waiting"}
	}
}

// sendingPage is a member's sending domain.
type sendingPage struct {
	Nav                  nav
	MemberID, MemberName string
	OwnDomain            string
	Domain               string
	Status               sendingStatus
	Records              []dnsRow
	Form                 formState
	Notice, Problem      string
}

// dnsRow is one DNS record to publish.
type dnsRow member.DNSRecord
