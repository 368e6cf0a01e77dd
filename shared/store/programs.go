package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/program"
)

type programItem struct {
	keyAttrs
	ID              string   `dynamodbav:"id"`
	Slug            string   `dynamodbav:"slug"`
	Name            string   `dynamodbav:"name"`
	HostMemberID    string   `dynamodbav:"hostMemberId"`
	HostName        string   `dynamodbav:"hostName"`
	ProgramType     string   `dynamodbav:"programType"`
	Payment         string   `dynamodbav:"payment"`
	PrimaryContact  string   `dynamodbav:"primaryContact"`
	NotifyEmails    []string `dynamodbav:"notifyEmails,omitempty"`
	SLA             string   `dynamodbav:"sla"`
	Access          string   `dynamodbav:"access"`
	Sender          string   `dynamodbav:"sender"`
	SenderEmail     string   `dynamodbav:"senderEmail,omitempty"`
	SenderVerified  bool     `dynamodbav:"senderVerified,omitempty"`
	AddendumVersion string   `dynamodbav:"addendumVersion"`
	Addendum        string   `dynamodbav:"addendum"`
	Landing         string   `dynamodbav:"landing"`
	PreApproved     []string `dynamodbav:"preApproved,omitempty"`
	PriceBands      string   `dynamodbav:"priceBands,omitempty"`
	StartDate       string   `dynamodbav:"startDate"`
	Form            string   `dynamodbav:"form"`
	SignupSubject   string   `dynamodbav:"signupSubject,omitempty"`
	SignupIntro     string   `dynamodbav:"signupIntro,omitempty"`
	// BilledYears counts the host-billing years invoiced so far.
	BilledYears int    `dynamodbav:"billedYears"`
	CreatedAt   string `dynamodbav:"createdAt"`
	UpdatedAt   string `dynamodbav:"updatedAt"`
	Version     int    `dynamodbav:"version"`
	UpdatedBy   string `dynamodbav:"updatedBy,omitempty"`
}

func toProgramItem(p program.Program, billedYears int) programItem {
	it := programItem{
		keyAttrs: keyAttrs{
			PK: programPK(p.ID), SK: metaSK, Type: "program",
			GSI1PK: hostProgramsPK(p.HostMemberID), GSI1SK: p.ID,
		},
		ID: p.ID, Slug: p.Slug, Name: p.Name, HostMemberID: p.HostMemberID, HostName: p.HostName, UpdatedBy: p.UpdatedBy,
		ProgramType: string(p.Type), Payment: string(p.Payment), PrimaryContact: jsonAttr(toContactRec(p.PrimaryContact)),
		NotifyEmails: p.NotifyEmails, SLA: jsonAttr(slaRec(p.SLA)), Access: p.Access, Sender: p.Sender, SenderEmail: p.SenderEmail, SenderVerified: p.SenderVerified,
		AddendumVersion: p.Addendum.Version, Addendum: jsonAttr(addendumRec(p.Addendum)), Landing: jsonAttr(toLandingRec(p.Landing)),
		PreApproved: p.PreApproved, StartDate: p.StartDate, Form: jsonAttr(toFormRec(p.Form)),
		SignupSubject: p.SignupMail.Subject, SignupIntro: p.SignupMail.Intro,
		BilledYears: billedYears, CreatedAt: iso(p.CreatedAt), UpdatedAt: iso(p.UpdatedAt), Version: p.Version,
	}
	if len(p.PriceBands) > 0 {
		it.PriceBands = jsonAttr(toBandRecs(p.PriceBands))
	}
	if p.Payment == program.HostPaid {
		it.DuePK, it.DueSK = dueAttrs(sweepBilling, p.ID, anniversary(p.StartDate, billedYears+1))
	}
	return it
}

// anniversary is the n-th anniversary of a program's start date: host
// billing year n is invoiced then.
func anniversary(startDate string, n int) time.Time {
	t, err := time.Parse("2006-01-02", startDate)
	if err != nil {
		return time.Time{}
	}
	return billing.AddYears(t, n)
}

func (it programItem) domain() (program.Program, error) {
	p := program.Program{
		ID: it.ID, Slug: it.Slug, Name: it.Name, HostMemberID: it.HostMemberID, HostName: it.HostName,
		Type: program.Type(it.ProgramType), Payment: program.Payment(it.Payment), NotifyEmails: it.NotifyEmails,
		Access: it.Access, Sender: it.Sender, SenderEmail: it.SenderEmail, SenderVerified: it.SenderVerified, PreApproved: it.PreApproved, StartDate: it.StartDate,
		BilledYears: it.BilledYears,
		CreatedAt:   parseISO(it.CreatedAt), UpdatedAt: parseISO(it.UpdatedAt), Version: it.Version, UpdatedBy: it.UpdatedBy,
	}
	var (
		sla   slaRec
		f     formRec
		pc    contactRec
		add   addendumRec
		land  landingRec
		bands []bandRec
	)
	for _, x := range []struct {
		s string
		v any
	}{{it.PrimaryContact, &pc}, {it.SLA, &sla}, {it.Addendum, &add}, {it.Landing, &land}, {it.PriceBands, &bands}, {it.Form, &f}} {
		if err := fromJSON(x.s, x.v); err != nil {
			return p, fmt.Errorf("program %s: %w", it.ID, err)
		}
	}
	p.PrimaryContact, p.SLA, p.Form = pc.domain(), program.SLA(sla), f.domain()
	p.Addendum, p.Landing, p.PriceBands = program.Addendum(add), land.domain(), bandDomain(bands)
	p.SignupMail = program.SignupMail{Subject: it.SignupSubject, Intro: it.SignupIntro}
	return p, nil
}

type slugItem struct {
	keyAttrs
	ProgramID string `dynamodbav:"programId"`
}

// toSlugItem is p's claim of its slug: one program per address.
func toSlugItem(p program.Program) slugItem {
	return slugItem{keyAttrs: keyAttrs{PK: slugPK(p.Slug), SK: metaSK, Type: "slug"}, ProgramID: p.ID}
}

// GetProgram implements program.Store.
func (s *Store) GetProgram(ctx context.Context, id string) (program.Program, error) {
	var it programItem
	if err := s.getItem(ctx, "get program", programKey(id), &it, apperr.NotFound("program %s not found", id)); err != nil {
		return program.Program{}, err
	}
	return it.domain()
}

// ProgramIDBySlug implements program.Store.
func (s *Store) ProgramIDBySlug(ctx context.Context, slug string) (string, error) {
	var it slugItem
	if err := s.getItem(ctx, "get slug", slugKey(slug), &it, apperr.NotFound("there is no program at this address")); err != nil {
		return "", err
	}
	return it.ProgramID, nil
}

// addendumMarkerItem keeps a program in the addendum sweep while partners
// are still to be asked to accept its addendum version.
type addendumMarkerItem struct {
	keyAttrs
	Version string `dynamodbav:"version"`
}

// toAddendumMarkerItem places p in the addendum sweep from its update on,
// for its addendum's version.
func toAddendumMarkerItem(p program.Program) addendumMarkerItem {
	pk, sk := dueAttrs(sweepAddendum, p.ID, p.UpdatedAt)
	return addendumMarkerItem{keyAttrs: keyAttrs{PK: programPK(p.ID), SK: addendumSK, Type: "addendum_marker", DuePK: pk, DueSK: sk}, Version: p.Addendum.Version}
}

// AddendumAsked takes program id out of the addendum sweep once every
// partner was asked to accept version — unless a newer version came since.
func (s *Store) AddendumAsked(ctx context.Context, id, version string) error {
	err := s.transact(ctx, "addendum asked", s.remove(key(programPK(id), addendumSK), "version = :v",
		map[string]types.AttributeValue{":v": av(version)}, errAddendumMoved))
	if errors.Is(err, errAddendumMoved) {
		return nil // a newer version keeps the program in the sweep
	}
	return err
}

var errAddendumMoved = apperr.Conflict("the program's addendum changed again")
