package memstore

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
)

// auditWrite records ev in the timeline under the object's partition pk,
// at the object version it produced.
func auditWrite(pk string, version int, ev audit.Event) write {
	if ev.ID == "" {
		ev.ID = ident.New(ident.Event, ev.At)
	}
	return putNew(&item{PK: pk, SK: eventSK(version, ev.ID), v: normAudit(ev)}, apperr.Conflict("event %s already recorded", ev.ID))
}

func normAudit(ev audit.Event) audit.Event {
	return audit.Event{ID: ev.ID, At: ts(ev.At), Actor: audit.ActorOr(ev.Actor), Action: ev.Action, From: ev.From, To: ev.To, Reason: ev.Reason}
}

// memberEventRec is an entry of a member's timeline, which holds its users'
// events too (UserID set on a user's).
type memberEventRec struct {
	Event  audit.Event
	UserID string
}

// memberEvent writes ev into member memberID's timeline (about user userID,
// or the member itself when empty), sorted by time; at one instant the
// member's own event sorts before its users'.
func memberEvent(memberID, userID string, ev audit.Event) write {
	if ev.ID == "" {
		ev.ID = ident.New(ident.Event, ev.At)
	}
	rank := "0#"
	if userID != "" {
		rank = "1#"
	}
	return putNew(&item{PK: memberPK(memberID), SK: eventPrefix + iso(ev.At) + "#" + rank + ev.ID, v: memberEventRec{Event: normAudit(ev), UserID: userID}},
		apperr.Conflict("event %s already recorded", ev.ID))
}

// userAdded is the timeline entry of a new user.
func userAdded(u member.User) write {
	return memberEvent(u.MemberID, u.ID, audit.Event{At: u.CreatedAt, Actor: u.UpdatedBy, Action: "add_user", To: string(u.Status),
		Reason: userLine(u) + ", roles " + strings.Join(u.Roles, ", ")})
}

// userLine names a user in a timeline: "Eve Engineer <eve@…>".
func userLine(u member.User) string { return u.Name + " <" + u.Email + ">" }

// changedFields names the attributes a person changed between two stored
// forms of an object: the attribute names of the store's items, without
// its bookkeeping (keys, times, versions, updatedBy).
func changedFields(before, after map[string]string) []string { return audit.Changed(before, after) }

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// set prints a string set as the table compares it: in no order.
func set(s []string) string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return fmt.Sprint(c)
}

func memberAttrs(m member.Member) map[string]string {
	m = normMember(m)
	return map[string]string{
		"id": m.ID, "name": m.Name, "domain": m.Domain, "kind": string(m.Kind), "contacts": js(m.Contacts),
		"bccOutbound": m.Bcc.Outbound, "bccInbound": m.Bcc.Inbound, "confirmed": set(m.Confirmed), "sending": js(m.Sending),
		"mergedInto": m.MergedInto, "mergeState": string(m.Merge),
	}
}

func userAttrs(u member.User) map[string]string {
	u = normUser(u)
	return map[string]string{
		"id": u.ID, "memberId": u.MemberID, "name": u.Name, "email": u.Email, "roles": set(u.Roles), "programIds": set(u.ProgramIDs),
		"status": string(u.Status), "tokenHash": u.TokenHash,
	}
}

func programAttrs(p program.Program) map[string]string {
	p = normProgram(p, p.BilledYears)
	return map[string]string{
		"id": p.ID, "slug": p.Slug, "name": p.Name, "hostMemberId": p.HostMemberID, "hostName": p.HostName, "programType": string(p.Type),
		"payment": string(p.Payment), "primaryContact": js(p.PrimaryContact), "notifyEmails": js(p.NotifyEmails), "sla": js(p.SLA),
		"access": p.Access, "sender": p.Sender, "senderEmail": p.SenderEmail, "senderVerified": fmt.Sprint(p.SenderVerified),
		"addendumVersion": p.Addendum.Version, "addendum": js(p.Addendum), "landing": js(p.Landing), "preApproved": js(p.PreApproved),
		"priceBands": js(p.PriceBands), "startDate": p.StartDate, "form": js(p.Form), "signupSubject": p.SignupMail.Subject,
		"signupIntro": p.SignupMail.Intro, "billedYears": fmt.Sprint(p.BilledYears),
	}
}

func departmentAttrs(d department.Department) map[string]string {
	d = normDepartment(d)
	return map[string]string{
		"id": d.ID, "memberId": d.MemberID, "name": d.Name, "programIds": js(d.ProgramIDs), "inbound": js(d.Inbound), "form": js(d.Form),
		"webhookDisabled": fmt.Sprint(d.WebhookDisabled), "unreachable": js(d.Unreachable), "confirmed": set(d.Confirmed),
	}
}

func invoiceAttrs(inv billing.Invoice) map[string]string {
	inv = normInvoice(inv)
	return map[string]string{
		"id": inv.ID, "memberId": inv.MemberID, "programId": inv.ProgramID, "enrollmentId": inv.EnrollmentID, "kind": string(inv.Kind),
		"periodStart": inv.PeriodStart, "periodEnd": inv.PeriodEnd, "lines": js(inv.Lines), "totalCents": fmt.Sprint(inv.TotalCents),
		"currency": inv.Currency, "status": string(inv.Status), "issuedAt": iso(inv.IssuedAt), "dueAt": iso(inv.DueAt),
		"paidAt": optISO(inv.PaidAt), "paymentRef": inv.PaymentRef, "paidCents": fmt.Sprint(inv.PaidCents),
	}
}

func optISO(t interface{ IsZero() bool }) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprint(t)
}
