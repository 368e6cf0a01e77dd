package memstore

import (
	"encoding/json"
	"time"

	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
)

// The conversions below are what shared/store's item conversions (its
// to…Item and domain functions, records.go) do to a value on its way into
// the table and back: a value kept here is returned as the store would
// return it. Each also copies, so nothing a caller holds aliases what is
// kept.

// ts is a time as a top-level attribute keeps it: to the millisecond, UTC.
func ts(t time.Time) time.Time { return parseISO(iso(t)) }

// jt is a time inside a JSON attribute: encoding/json's round trip.
func jt(t time.Time) time.Time {
	b, err := t.MarshalJSON()
	if err != nil {
		return t
	}
	var out time.Time
	if out.UnmarshalJSON(b) != nil {
		return t
	}
	return out
}

// jsonRound is v through encoding/json, as a JSON attribute keeps it.
func jsonRound[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out T
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}

// omitted is a list or set attribute written with omitempty: empty is
// absent, read back as nil.
func omitted[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return append(S(nil), s...)
}

// list is a list attribute without omitempty: nil stays nil, empty stays
// empty.
func list[S ~[]E, E any](s S) S {
	if s == nil {
		return nil
	}
	return append(make(S, 0, len(s)), s...)
}

func normCase(c collab.Case) collab.Case {
	out := c
	if c.Customer != nil {
		cu := *c.Customer
		out.Customer = &cu
	}
	if c.Engineer != nil {
		en := *c.Engineer
		out.Engineer = &en
	}
	for _, a := range []**collab.Assignee{&out.SubmitterAssignee, &out.ReceiverAssignee} {
		if *a != nil && (*a).UserID == "" {
			*a = nil
		} else if *a != nil {
			cp := **a
			*a = &cp
		}
	}
	out.Fields = nil
	if len(c.Fields) > 0 {
		out.Fields = jsonRound(c.Fields)
	}
	out.SLA = time.Duration(int64(c.SLA/time.Second)) * time.Second
	out.ResponseDueAt, out.Level2DueAt, out.RemindAt = ts(c.ResponseDueAt), ts(c.Level2DueAt), ts(c.RemindAt)
	out.LastActivityAt, out.RespondedAt = ts(c.LastActivityAt), ts(c.RespondedAt)
	out.CreatedAt, out.UpdatedAt = ts(c.CreatedAt), ts(c.UpdatedAt)
	out.Bcc = omitted(c.Bcc)
	return out
}

func normCaseEvent(ev collab.Event) collab.Event {
	ev.At = ts(ev.At)
	return ev
}

func normMember(m member.Member) member.Member {
	out := m
	out.Confirmed = omitted(m.Confirmed)
	out.Sending = member.SendingDomain{}
	if m.Sending.Domain != "" {
		out.Sending = member.SendingDomain{Domain: m.Sending.Domain, Verified: m.Sending.Verified, Status: m.Sending.Status,
			Records: jsonRound(m.Sending.Records)}
	}
	out.CreatedAt, out.UpdatedAt = ts(m.CreatedAt), ts(m.UpdatedAt)
	return out
}

func normUser(u member.User) member.User {
	out := u
	out.Roles, out.ProgramIDs = omitted(u.Roles), omitted(u.ProgramIDs)
	out.CreatedAt, out.UpdatedAt = ts(u.CreatedAt), ts(u.UpdatedAt)
	return out
}

func normCredential(c member.Credential) member.Credential {
	c.Roles = omitted(c.Roles)
	return c
}

func normForm(f form.Form) form.Form {
	out := form.Form{Fields: make([]form.Field, len(f.Fields))}
	for i, x := range f.Fields {
		x.Options = omitted(x.Options)
		out.Fields[i] = x
	}
	return out
}

func normHours(h hours.Hours) hours.Hours {
	if h.Always {
		return hours.AlwaysOpen
	}
	return hours.Hours{Zone: h.Zone, Days: list(h.Days), Start: h.Start, End: h.End, Holidays: omitted(h.Holidays)}
}

func normInbound(in department.Inbound) department.Inbound {
	in.Hours = normHours(in.Hours)
	return in
}

func normProgram(p program.Program, billedYears int) program.Program {
	out := p
	out.NotifyEmails, out.PreApproved = omitted(p.NotifyEmails), omitted(p.PreApproved)
	out.Landing = program.Landing{BannerURL: p.Landing.BannerURL, About: p.Landing.About, Links: omitted(p.Landing.Links)}
	out.PriceBands = omitted(p.PriceBands)
	out.Form = normForm(p.Form)
	out.BilledYears = billedYears
	out.CreatedAt, out.UpdatedAt = ts(p.CreatedAt), ts(p.UpdatedAt)
	return out
}

func normDepartment(d department.Department) department.Department {
	out := d
	out.ProgramIDs = omitted(d.ProgramIDs)
	out.Inbound = normInbound(d.Inbound)
	out.Form = normForm(d.Form)
	if d.Unreachable != nil {
		u := *d.Unreachable
		u.Since = jt(u.Since)
		out.Unreachable = &u
	}
	out.Confirmed = omitted(d.Confirmed)
	out.CreatedAt, out.UpdatedAt = ts(d.CreatedAt), ts(d.UpdatedAt)
	return out
}

func normEnrollment(e enrollment.Enrollment) enrollment.Enrollment {
	out := e
	out.Addendum.At = jt(e.Addendum.At)
	out.AddendumAskedAt = time.Time{}
	if e.AddendumAsked != "" {
		out.AddendumAskedAt = ts(e.AddendumAskedAt)
	}
	if e.Proposal != nil {
		out.Proposal = &enrollment.Proposal{DepartmentName: e.Proposal.DepartmentName, Inbound: normInbound(e.Proposal.Inbound)}
	}
	out.GoLiveAt, out.RenewalDate = ts(e.GoLiveAt), ts(e.RenewalDate)
	out.CreatedAt, out.UpdatedAt = ts(e.CreatedAt), ts(e.UpdatedAt)
	return out
}

func normEnrollmentEvent(ev enrollment.Event) enrollment.Event {
	ev.At = ts(ev.At)
	return ev
}

func normInvoice(inv billing.Invoice) billing.Invoice {
	out := inv
	out.Lines = append(make([]billing.Line, 0, len(inv.Lines)), inv.Lines...)
	out.IssuedAt, out.DueAt, out.PaidAt = ts(inv.IssuedAt), ts(inv.DueAt), ts(inv.PaidAt)
	out.CreatedAt, out.UpdatedAt = ts(inv.CreatedAt), ts(inv.UpdatedAt)
	return out
}

func normConfiguration(c marketplace.Configuration) marketplace.Configuration {
	out := c
	out.HostVersions = list(c.HostVersions)
	out.CreatedAt, out.UpdatedAt, out.DecidedAt = ts(c.CreatedAt), ts(c.UpdatedAt), ts(c.DecidedAt)
	return out
}
