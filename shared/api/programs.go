package api

import (
	"context"
	"net/http"

	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/router"
)

type slaView struct {
	Low      string `json:"low"`
	Medium   string `json:"medium"`
	High     string `json:"high"`
	Critical string `json:"critical"`
}

type programView struct {
	ID             string           `json:"id"`
	Slug           string           `json:"slug"`
	Name           string           `json:"name"`
	HostMemberID   string           `json:"hostMemberId"`
	HostName       string           `json:"hostName"`
	Type           program.Type     `json:"type"`
	Payment        program.Payment  `json:"payment"`
	PrimaryContact member.Contact   `json:"primaryContact"`
	NotifyEmails   []string         `json:"notifyEmails"`
	SLA            slaView          `json:"sla"`
	Access         string           `json:"access"`
	Sender         string           `json:"sender"`
	SenderEmail    string           `json:"senderEmail,omitempty"`
	Addendum       program.Addendum `json:"addendum"`
	Landing        program.Landing  `json:"landing"`
	LandingURL     string           `json:"landingUrl"`
	PreApproved    []string         `json:"preApproved"`
	PriceBands     []program.Band   `json:"priceBands,omitempty"`
	StartDate      string           `json:"startDate"`
	Form           form.Form        `json:"form"`
	// SignupMail is omitted while the program keeps the default mail.
	SignupMail *program.SignupMail `json:"signupMail,omitempty"`
	CreatedAt  string              `json:"createdAt"`
	UpdatedAt  string              `json:"updatedAt"`
	Version    int                 `json:"version"`
}

func (s *Server) viewProgram(p program.Program) programView {
	pre := p.PreApproved
	if pre == nil {
		pre = []string{}
	}
	return programView{
		ID: p.ID, Slug: p.Slug, Name: p.Name, HostMemberID: p.HostMemberID, HostName: p.HostName, Type: p.Type, Payment: p.Payment,
		PrimaryContact: p.PrimaryContact, NotifyEmails: p.NotifyEmails,
		SLA: slaView{
			Low: program.FormatDuration(p.SLA.Low), Medium: program.FormatDuration(p.SLA.Medium),
			High: program.FormatDuration(p.SLA.High), Critical: program.FormatDuration(p.SLA.Critical),
		},
		Access: p.Access, Sender: p.Sender, SenderEmail: p.SenderEmail, Addendum: p.Addendum, Landing: p.Landing,
		LandingURL: s.BaseURL + "/p/" + p.Slug, PreApproved: pre, PriceBands: p.PriceBands, StartDate: p.StartDate, Form: p.Form,
		CreatedAt: ts(p.CreatedAt), UpdatedAt: ts(p.UpdatedAt), Version: p.Version, SignupMail: signupMailView(p.SignupMail),
	}
}

func signupMailView(m program.SignupMail) *program.SignupMail {
	if m == (program.SignupMail{}) {
		return nil
	}
	return &m
}

func (s *Server) createProgram(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in program.Input
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	p, err := s.Programs.Create(ctx, r.Principal, in, r.Claim)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusCreated, s.viewProgram(p)), nil
}

// publicProgramView is what partners read of a program (API.md "More API
// for admins"): never its pre-approved or notify addresses, prices or sender.
type publicProgramView struct {
	ID             string           `json:"id"`
	Slug           string           `json:"slug"`
	Name           string           `json:"name"`
	HostMemberID   string           `json:"hostMemberId"`
	HostName       string           `json:"hostName"`
	Type           program.Type     `json:"type"`
	Payment        program.Payment  `json:"payment"`
	PrimaryContact member.Contact   `json:"primaryContact"`
	SLA            slaView          `json:"sla"`
	Access         string           `json:"access"`
	Addendum       program.Addendum `json:"addendum"`
	Landing        program.Landing  `json:"landing"`
	LandingURL     string           `json:"landingUrl"`
	Form           form.Form        `json:"form"`
	CreatedAt      string           `json:"createdAt"`
	UpdatedAt      string           `json:"updatedAt"`
	Version        int              `json:"version"`
}

func (s *Server) viewPublicProgram(p program.Program) publicProgramView {
	v := s.viewProgram(p)
	return publicProgramView{
		ID: v.ID, Slug: v.Slug, Name: v.Name, HostMemberID: v.HostMemberID, HostName: v.HostName, Type: v.Type, Payment: v.Payment,
		PrimaryContact: v.PrimaryContact, SLA: v.SLA, Access: v.Access, Addendum: v.Addendum, Landing: v.Landing,
		LandingURL: v.LandingURL, Form: v.Form, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, Version: v.Version,
	}
}

func (s *Server) getProgram(ctx context.Context, r *router.Request) (*router.Response, error) {
	p, full, err := s.Programs.Get(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	if !full {
		return router.JSON(http.StatusOK, s.viewPublicProgram(p)), nil
	}
	return router.JSON(http.StatusOK, s.viewProgram(p)), nil
}

func (s *Server) patchProgram(ctx context.Context, r *router.Request) (*router.Response, error) {
	var pt program.Patch
	if err := router.Decode(r, &pt); err != nil {
		return nil, err
	}
	p, err := s.Programs.Update(ctx, r.Principal, r.Param("id"), pt)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, s.viewProgram(p)), nil
}

func (s *Server) listPrograms(ctx context.Context, r *router.Request) (*router.Response, error) {
	ps, err := s.Programs.ListForHost(ctx, r.Principal, r.Query.Get("hostMemberId"))
	if err != nil {
		return nil, err
	}
	out := make([]programView, 0, len(ps))
	for _, p := range ps {
		out = append(out, s.viewProgram(p))
	}
	return router.JSON(http.StatusOK, listOf(out, "")), nil
}
