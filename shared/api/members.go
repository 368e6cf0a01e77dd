package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/router"
)

type memberView struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Domain   string          `json:"domain"`
	Kind     member.Kind     `json:"kind"`
	Contacts member.Contacts `json:"contacts"`
	Bcc      bccView         `json:"bcc"`
	// Status is active, merging or merged; MergedInto the member it went into.
	Status     string `json:"status"`
	MergedInto string `json:"mergedInto,omitempty"`
	CreatedAt  string `json:"createdAt"`
	UpdatedAt  string `json:"updatedAt"`
	Version    int    `json:"version"`
}

// bccView is a member's capture addresses and whether their owners
// confirmed them (Tandem copies nothing to an unconfirmed one).
type bccView struct {
	Outbound          string `json:"outbound,omitempty"`
	Inbound           string `json:"inbound,omitempty"`
	OutboundConfirmed bool   `json:"outboundConfirmed,omitempty"`
	InboundConfirmed  bool   `json:"inboundConfirmed,omitempty"`
}

func viewMember(m member.Member) memberView {
	return memberView{
		ID: m.ID, Name: m.Name, Domain: m.Domain, Kind: m.Kind, Contacts: m.Contacts,
		Bcc: bccView{Outbound: m.Bcc.Outbound, Inbound: m.Bcc.Inbound,
			OutboundConfirmed: m.CaptureOutbound() != "", InboundConfirmed: m.CaptureInbound() != ""},
		Status: m.Status(), MergedInto: m.MergedInto,
		CreatedAt: ts(m.CreatedAt), UpdatedAt: ts(m.UpdatedAt), Version: m.Version,
	}
}

type createdMemberView struct {
	memberView
	AdminUserID string `json:"adminUserId"`
	// AdminToken is shown in this response only; replays omit it.
	AdminToken string `json:"adminToken,omitempty"`
}

func (s *Server) createMember(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in member.NewMember
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	c, err := s.Members.Create(ctx, r.Principal, in, r.Claim)
	if err != nil {
		return nil, err
	}
	v := createdMemberView{memberView: viewMember(c.Member), AdminUserID: c.Admin.ID, AdminToken: c.AdminToken}
	resp := router.JSON(http.StatusCreated, v)
	v.AdminToken = ""
	resp.Replay, _ = json.Marshal(v)
	return resp, nil
}

func (s *Server) getMember(ctx context.Context, r *router.Request) (*router.Response, error) {
	m, err := s.Members.Get(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewMember(m)), nil
}

type userView struct {
	ID         string   `json:"id"`
	MemberID   string   `json:"memberId"`
	Name       string   `json:"name"`
	Email      string   `json:"email"`
	Roles      []string `json:"roles"`
	ProgramIDs []string `json:"programIds,omitempty"`
	Status     string   `json:"status"`
	CreatedAt  string   `json:"createdAt"`
	UpdatedAt  string   `json:"updatedAt"`
	Version    int      `json:"version"`
	// Token is shown in the creating response only.
	Token string `json:"token,omitempty"`
}

func viewUser(u member.User) userView {
	return userView{
		ID: u.ID, MemberID: u.MemberID, Name: u.Name, Email: u.Email, Roles: u.Roles, ProgramIDs: u.ProgramIDs, Status: string(u.Status),
		CreatedAt: ts(u.CreatedAt), UpdatedAt: ts(u.UpdatedAt), Version: u.Version,
	}
}

func (s *Server) createUser(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in member.NewUser
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	u, token, err := s.Members.AddUser(ctx, r.Principal, r.Param("id"), in, r.Claim)
	if err != nil {
		return nil, err
	}
	v := viewUser(u)
	v.Token = token
	resp := router.JSON(http.StatusCreated, v)
	v.Token = ""
	resp.Replay, _ = json.Marshal(v)
	return resp, nil
}

func (s *Server) revokeUser(ctx context.Context, r *router.Request) (*router.Response, error) {
	u, err := s.Members.RevokeUser(ctx, r.Principal, r.Param("id"), r.Param("userId"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewUser(u)), nil
}

type deadLetterView struct {
	ID       string   `json:"id"`
	Channel  string   `json:"channel"`
	Template string   `json:"template,omitempty"`
	To       []string `json:"to,omitempty"`
	Ref      string   `json:"ref,omitempty"`
	Reason   string   `json:"reason"`
	Attempts int      `json:"attempts"`
	DeadAt   string   `json:"deadAt"`
}

func (s *Server) listDeadLetters(ctx context.Context, r *router.Request) (*router.Response, error) {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return nil, err
	}
	items, next, err := s.DeadLetters.List(ctx, r.Principal, limit, cursor)
	if err != nil {
		return nil, err
	}
	out := make([]deadLetterView, 0, len(items))
	for _, d := range items {
		out = append(out, deadLetterView{
			ID: d.ID, Channel: string(d.Channel), Template: d.Template, To: d.To, Ref: d.Ref,
			Reason: d.Reason, Attempts: d.Attempts, DeadAt: ts(d.DeadAt),
		})
	}
	return router.JSON(http.StatusOK, listOf(out, next)), nil
}

func (s *Server) patchMember(ctx context.Context, r *router.Request) (*router.Response, error) {
	var pt member.Patch
	if err := router.Decode(r, &pt); err != nil {
		return nil, err
	}
	m, err := s.Members.Update(ctx, r.Principal, r.Param("id"), pt)
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewMember(m)), nil
}

func (s *Server) listUsers(ctx context.Context, r *router.Request) (*router.Response, error) {
	us, err := s.Members.Users(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	out := make([]userView, 0, len(us))
	for _, u := range us {
		out = append(out, viewUser(u))
	}
	return router.JSON(http.StatusOK, listOf(out, "")), nil
}

func (s *Server) searchMembers(ctx context.Context, r *router.Request) (*router.Response, error) {
	ms, err := s.Members.Search(ctx, r.Principal, r.Query.Get("q"))
	if err != nil {
		return nil, err
	}
	out := make([]memberView, 0, len(ms))
	for _, m := range ms {
		out = append(out, viewMember(m))
	}
	return router.JSON(http.StatusOK, listOf(out, "")), nil
}

type sendingView struct {
	Domain   string             `json:"domain"`
	Verified bool               `json:"verified"`
	Status   string             `json:"status"`
	Records  []member.DNSRecord `json:"records"`
}

func viewSending(m member.Member) sendingView {
	recs := m.Sending.Records
	if recs == nil {
		recs = []member.DNSRecord{}
	}
	return sendingView{Domain: m.Sending.Domain, Verified: m.Sending.Verified, Status: m.Sending.Status, Records: recs}
}

// registerSendingDomain serves POST /v1/members/{id}/sending-domain: the
// DNS records to publish; the member's programs that send as it switch to
// its address once SES has verified them.
func (s *Server) registerSendingDomain(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in struct {
		Domain string `json:"domain"`
	}
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	m, err := s.Members.RegisterSendingDomain(ctx, r.Principal, r.Param("id"), in.Domain)
	if err != nil {
		return nil, err
	}
	if err := s.Programs.RefreshSender(ctx, m); err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, viewSending(m)), nil
}

// sendingDomain serves GET /v1/members/{id}/sending-domain: SES's
// verification status as it is now.
func (s *Server) sendingDomain(ctx context.Context, r *router.Request) (*router.Response, error) {
	m, changed, err := s.Members.SendingDomainStatus(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	if changed {
		if err := s.Programs.RefreshSender(ctx, m); err != nil {
			return nil, err
		}
	}
	return router.JSON(http.StatusOK, viewSending(m)), nil
}

// resendDeadLetter serves POST /v1/dead-letters/{id}/resend (operators):
// the message goes again as a new one; a second resend is a 409.
func (s *Server) resendDeadLetter(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in struct{}
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	newID, err := s.DeadLetters.Resend(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, map[string]string{"id": r.Param("id"), "resentAs": newID}), nil
}
