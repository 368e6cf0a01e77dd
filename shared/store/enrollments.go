package store

import (
	"context"
	"fmt"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
)

type enrollmentItem struct {
	keyAttrs
	ID                  string `dynamodbav:"id"`
	ProgramID           string `dynamodbav:"programId"`
	MemberID            string `dynamodbav:"memberId"`
	MemberName          string `dynamodbav:"memberName"`
	HostMemberID        string `dynamodbav:"hostMemberId"`
	Status              string `dynamodbav:"status"`
	Email               string `dynamodbav:"email"`
	Company             string `dynamodbav:"company"`
	Contacts            string `dynamodbav:"contacts"`
	DepartmentID        string `dynamodbav:"departmentId"`
	Addendum            string `dynamodbav:"addendum"`
	AddendumAsked       string `dynamodbav:"addendumAsked,omitempty"`
	AddendumAskedAt     string `dynamodbav:"addendumAskedAt,omitempty"`
	HostPaid            bool   `dynamodbav:"hostPaid"`
	ExistingMember      bool   `dynamodbav:"existingMember,omitempty"`
	Proposal            string `dynamodbav:"proposal,omitempty"`
	Paid                bool   `dynamodbav:"paid"`
	MembershipInvoiceID string `dynamodbav:"membershipInvoiceId,omitempty"`
	ValidationHash      string `dynamodbav:"validationHash,omitempty"`
	Reason              string `dynamodbav:"reason,omitempty"`
	GoLiveAt            string `dynamodbav:"goLiveAt,omitempty"`
	RenewalDate         string `dynamodbav:"renewalDate,omitempty"`
	RenewalStep         int    `dynamodbav:"renewalStep"`
	RenewalInvoiceID    string `dynamodbav:"renewalInvoiceId,omitempty"`
	CreatedAt           string `dynamodbav:"createdAt"`
	UpdatedAt           string `dynamodbav:"updatedAt"`
	Version             int    `dynamodbav:"version"`
}

func toEnrollmentItem(e enrollment.Enrollment) enrollmentItem {
	it := enrollmentItem{
		keyAttrs: keyAttrs{
			PK: enrollmentPK(e.ID), SK: metaSK, Type: "enrollment",
			GSI1PK: programEnrollmentsPK(e.ProgramID), GSI1SK: string(e.Status) + "#" + iso(e.CreatedAt) + "#" + e.ID,
			GSI2PK: memberEnrollmentsPK(e.MemberID), GSI2SK: e.ProgramID + "#" + e.ID,
		},
		ID: e.ID, ProgramID: e.ProgramID, MemberID: e.MemberID, MemberName: e.MemberName, HostMemberID: e.HostMemberID, Status: string(e.Status),
		Email: e.Email, Company: jsonAttr(companyRec(e.Company)), Contacts: jsonAttr(toEnrollmentContactsRec(e.Contacts)), DepartmentID: e.DepartmentID,
		Addendum: jsonAttr(acceptanceRec(e.Addendum)), HostPaid: e.HostPaid, Paid: e.Paid, MembershipInvoiceID: e.MembershipInvoiceID,
		ValidationHash: e.ValidationHash, Reason: e.Reason, CreatedAt: iso(e.CreatedAt), UpdatedAt: iso(e.UpdatedAt), Version: e.Version,
		RenewalStep: int(e.RenewalStep), RenewalInvoiceID: e.RenewalInvoiceID, ExistingMember: e.ExistingMember,
	}
	// In the operators' index while the sign-up waits for a decision.
	if e.Status == enrollment.PendingApproval || e.Status == enrollment.PendingMemberConsent {
		it.OpsPK, it.OpsSK = opsAttrs(opsSignup, e.ID, e.CreatedAt)
	}
	// And while it waits for its membership to be paid.
	if e.Status == enrollment.AwaitingPayment {
		it.OpsPK, it.OpsSK = opsAttrs(opsPayment, e.ID, e.UpdatedAt)
	}
	if e.Proposal != nil {
		it.Proposal = jsonAttr(proposalRec{DepartmentName: e.Proposal.DepartmentName, Inbound: toInboundRec(e.Proposal.Inbound)})
	}
	if !e.GoLiveAt.IsZero() {
		it.GoLiveAt = iso(e.GoLiveAt)
	}
	if e.AddendumAsked != "" {
		it.AddendumAsked, it.AddendumAskedAt = e.AddendumAsked, iso(e.AddendumAskedAt)
	}
	if !e.RenewalDate.IsZero() {
		it.RenewalDate = iso(e.RenewalDate)
	}
	// In the renewals sweep's index exactly while a renewal step is to come.
	if _, due, ok := e.NextRenewal(); ok {
		it.DuePK, it.DueSK = dueAttrs(sweepRenewal, e.ID, due)
	}
	return it
}

func (it enrollmentItem) domain() (enrollment.Enrollment, error) {
	e := enrollment.Enrollment{
		ID: it.ID, ProgramID: it.ProgramID, MemberID: it.MemberID, MemberName: it.MemberName, HostMemberID: it.HostMemberID,
		Status: enrollment.Status(it.Status), Email: it.Email, DepartmentID: it.DepartmentID, HostPaid: it.HostPaid,
		Paid: it.Paid, MembershipInvoiceID: it.MembershipInvoiceID, ValidationHash: it.ValidationHash, Reason: it.Reason,
		GoLiveAt: parseISO(it.GoLiveAt), RenewalDate: parseISO(it.RenewalDate),
		RenewalStep: enrollment.RenewalStep(it.RenewalStep), RenewalInvoiceID: it.RenewalInvoiceID,
		CreatedAt: parseISO(it.CreatedAt), UpdatedAt: parseISO(it.UpdatedAt), Version: it.Version, ExistingMember: it.ExistingMember,
		AddendumAsked: it.AddendumAsked, AddendumAskedAt: parseISO(it.AddendumAskedAt),
	}
	if it.Proposal != "" {
		var r proposalRec
		if err := fromJSON(it.Proposal, &r); err != nil {
			return e, fmt.Errorf("enrollment %s proposal: %w", it.ID, err)
		}
		e.Proposal = &enrollment.Proposal{DepartmentName: r.DepartmentName, Inbound: r.Inbound.domain()}
	}
	var (
		company  companyRec
		contacts enrollmentContactsRec
		accepted acceptanceRec
	)
	for _, x := range []struct {
		s string
		v any
	}{{it.Company, &company}, {it.Contacts, &contacts}, {it.Addendum, &accepted}} {
		if err := fromJSON(x.s, x.v); err != nil {
			return e, fmt.Errorf("enrollment %s: %w", it.ID, err)
		}
	}
	e.Company, e.Contacts, e.Addendum = enrollment.Company(company), contacts.domain(), enrollment.Acceptance(accepted)
	return e, nil
}

func (s *Store) enrollmentEventWrite(enrollmentID string, version int, ev enrollment.Event) txItem {
	return s.putNew(marshal(eventItem{
		keyAttrs: keyAttrs{
			PK: enrollmentPK(enrollmentID), SK: eventSK(version, ev.ID), Type: "enrollment_event",
		},
		ID: ev.ID, At: iso(ev.At),
		Actor: ev.Actor, Action: string(ev.Action), From: string(ev.From), To: string(ev.To), Reason: ev.Reason,
	}), apperr.Conflict("event %s already recorded", ev.ID))
}

// GetEnrollment returns one enrollment.
func (s *Store) GetEnrollment(ctx context.Context, id string) (enrollment.Enrollment, error) {
	var it enrollmentItem
	if err := s.getItem(ctx, "get enrollment", enrollmentKey(id), &it, apperr.NotFound("enrollment %s not found", id)); err != nil {
		return enrollment.Enrollment{}, err
	}
	return it.domain()
}
