package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/router"
)

// roleLabels are the roles a person may hold, as the pages name them.
var roleLabels = []check{
	{Value: auth.RoleAdmin, Label: "Admin"}, {Value: auth.RoleEngineer, Label: "Engineer"}, {Value: auth.RoleCritical, Label: "Critical escalations"},
}

func roleChecks(have []string) []check {
	out := slices.Clone(roleLabels)
	for i := range out {
		out[i].Checked = slices.Contains(have, out[i].Value)
	}
	return out
}

// peopleNotices are what a person sees after a form of the people page.
var peopleNotices = map[string]string{
	"company": "Company details saved. The next invoices go to the billing contact shown.",
	"invited": "Invitation sent: they sign in from the mail.",
	"saved":   "Saved. The new roles apply from their next page.",
	"revoked": "Revoked: their sessions and token stopped working.",
}

// peoplePage serves GET /members/{id}/users.
func (s *Server) peoplePage(ctx context.Context, r *router.Request) (*router.Response, error) {
	p, err := s.peopleData(ctx, r)
	if err != nil {
		return nil, err
	}
	p.Notice = peopleNotices[r.Query.Get("done")]
	return router.Page(http.StatusOK, peopleView(p)), nil
}

// peopleData builds the people page of member {id}: its users (404 for
// another tenant, 403 without the admin role) and empty forms.
func (s *Server) peopleData(ctx context.Context, r *router.Request) (peoplePage, error) {
	memberID := r.Param("id")
	users, err := s.Members.Users(ctx, r.Principal, memberID)
	if err != nil {
		return peoplePage{}, err
	}
	m, err := s.Members.Get(ctx, r.Principal, memberID)
	if err != nil {
		return peoplePage{}, err
	}
	deps, err := s.Departments.List(ctx, r.Principal, memberID)
	if err != nil {
		return peoplePage{}, err
	}
	var serves []string
	for _, d := range deps {
		serves = append(serves, d.ProgramIDs...)
	}
	restricted, err := s.Programs.Restricted(ctx, r.Principal, memberID, serves)
	if err != nil {
		return peoplePage{}, err
	}
	loc, _, _ := viewerZone(r)
	p := peoplePage{
		Nav: s.nav(r, "people"), MemberID: memberID, MemberName: m.Name, Version: m.Version, Company: formState{Values: companyValues(m), Prefix: "company-"},
		UnconfirmedCaptures: addresses(m.Unconfirmed()), APIBase: s.BaseURL + "/v1",
		Invite: newUserFields{Roles: roleChecks([]string{auth.RoleEngineer})},
		Token:  newUserFields{Roles: roleChecks([]string{auth.RoleEngineer})},
	}
	if m.MergedInto != "" {
		p.Merged, p.Merging = &option{Value: m.MergedInto, Label: s.Members.Names(ctx, m.MergedInto)[m.MergedInto]}, m.Merge == member.MergeRunning
	}
	for _, d := range deps {
		p.Departments = append(p.Departments, option{Value: d.ID, Label: d.Name})
	}
	slices.SortFunc(users, func(a, b member.User) int {
		if a.Status != b.Status {
			return strings.Compare(string(a.Status), string(b.Status)) // active before revoked
		}
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	for _, u := range users {
		row := userRow{
			ID: u.ID, Name: u.Name, Email: u.Email, Status: string(u.Status), Since: u.UpdatedAt.In(loc).Format(dateLayout),
			Version: u.Version, Roles: roleChecks(u.Roles), Active: u.Status == member.UserActive, Self: u.ID == r.Principal.UserID,
		}
		for _, prg := range restricted {
			row.Programs = append(row.Programs, check{Value: prg.ID, Label: prg.Name, Checked: slices.Contains(u.ProgramIDs, prg.ID)})
		}
		p.Users = append(p.Users, row)
	}
	if r.Principal.AdminOf(memberID) {
		evs, _, err := s.Members.Events(ctx, r.Principal, memberID, "", historyLimit, "")
		if err != nil {
			return peoplePage{}, err
		}
		p.History = s.history(ctx, r, evs, memberID)
	}
	return p, nil
}

// newUserFromForm reads the invitation or token form.
func newUserFromForm(v url.Values) member.NewUser {
	return member.NewUser{Name: v.Get("name"), Email: v.Get("email"), Roles: v["roles"]}
}

// refill is a new-user form as it came back, with its errors.
func refill(v url.Values, fields map[string]string) newUserFields {
	errs := map[string]string{}
	for k, why := range fields {
		if strings.HasPrefix(k, "roles") {
			k = "roles"
		}
		errs[k] = why
	}
	return newUserFields{Name: v.Get("name"), Email: v.Get("email"), Roles: roleChecks(v["roles"]), Errors: errs}
}

// inviteForm serves POST /members/{id}/users: adds the person and mails
// them a sign-in link. A second invitation of an address that already
// signs in for the member is refused (a double click invites once).
func (s *Server) inviteForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	v, err := r.Form()
	if err != nil {
		return nil, err
	}
	in := newUserFromForm(v)
	in.Invite = true
	_, _, err = s.Members.AddUser(ctx, r.Principal, r.Param("id"), in, idem.None)
	if err == nil {
		return router.Redirect("/members/" + r.Param("id") + "/users?done=invited"), nil
	}
	return s.peopleAgain(ctx, r, err, func(p *peoplePage, fields map[string]string) { p.Invite = refill(v, fields) })
}

// tokenForm serves POST /members/{id}/tokens: a person for an integration,
// whose API token the answering page shows once.
func (s *Server) tokenForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	v, err := r.Form()
	if err != nil {
		return nil, err
	}
	u, token, err := s.Members.AddUser(ctx, r.Principal, r.Param("id"), newUserFromForm(v), idem.None)
	if err != nil {
		return s.peopleAgain(ctx, r, err, func(p *peoplePage, fields map[string]string) { p.Token = refill(v, fields) })
	}
	p, err := s.peopleData(ctx, r)
	if err != nil {
		return nil, err
	}
	p.NewToken, p.NewTokenName = token, u.Name
	return router.Page(http.StatusOK, peopleView(p)), nil
}

// userForm serves POST /members/{id}/users/{userId}: roles and program access.
func (s *Server) userForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	v, err := r.Form()
	if err != nil {
		return nil, err
	}
	roles, programs := v["roles"], v["programIds"]
	if roles == nil {
		roles = []string{}
	}
	if programs == nil {
		programs = []string{}
	}
	pt := member.UserPatch{Roles: &roles, ProgramIDs: &programs}
	if n, err := strconv.Atoi(v.Get("version")); err == nil {
		pt.Version = &n
	}
	userID := r.Param("userId")
	_, err = s.Members.UpdateUser(ctx, r.Principal, r.Param("id"), userID, pt)
	if err == nil {
		return router.Redirect("/members/" + r.Param("id") + "/users?done=saved#user-" + userID), nil
	}
	return s.peopleAgain(ctx, r, err, func(p *peoplePage, fields map[string]string) {
		for i := range p.Users {
			if p.Users[i].ID != userID {
				continue
			}
			p.Users[i].Roles = roleChecks(roles)
			for _, why := range fields {
				p.Users[i].Problem = why
			}
		}
	})
}

// revokeForm serves POST /members/{id}/users/{userId}/revoke: the token
// stops working and every session of the person ends.
func (s *Server) revokeForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	if _, err := s.Members.RevokeUser(ctx, r.Principal, r.Param("id"), r.Param("userId")); err != nil {
		return s.peopleAgain(ctx, r, err, nil)
	}
	return router.Redirect("/members/" + r.Param("id") + "/users?done=revoked"), nil
}

// peopleAgain answers a refused people form: invalid input (422) and lost
// races (409) show the page again with what to do; other errors are the
// error page.
func (s *Server) peopleAgain(ctx context.Context, r *router.Request, cause error, mark func(*peoplePage, map[string]string)) (*router.Response, error) {
	f, ok := refused(cause)
	if !ok {
		return nil, cause
	}
	p, err := s.peopleData(ctx, r)
	if err != nil {
		return nil, err
	}
	p.Problem = "Please check the highlighted fields."
	if f.Conflict() {
		p.Problem = "That changed while you were looking: " + f.Message + ". The page shows it as it is now."
	} else if mark != nil {
		mark(&p, f.Fields)
	}
	return router.Page(f.Status, peopleView(p)), nil
}

// companyValues are a member's name and contacts as the company form's values.
func companyValues(m member.Member) map[string]string {
	v := map[string]string{"name": m.Name, "bcc.outbound": m.Bcc.Outbound, "bcc.inbound": m.Bcc.Inbound}
	for key, c := range map[string]member.Contact{"primary": m.Contacts.Primary, "escalation": m.Contacts.Escalation, "billing": m.Contacts.Billing} {
		v["contacts."+key+".name"], v["contacts."+key+".email"], v["contacts."+key+".phone"] = c.Name, c.Email, c.Phone
	}
	return v
}

// companyForm serves POST /members/{id}: the company's name and contacts
// (PATCH /v1/members/{id} from the people page).
func (s *Server) companyForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	v, err := r.Form()
	if err != nil {
		return nil, err
	}
	contact := func(key string) member.Contact {
		return member.Contact{Name: v.Get("contacts." + key + ".name"), Email: v.Get("contacts." + key + ".email"), Phone: v.Get("contacts." + key + ".phone")}
	}
	name := v.Get("name")
	pt := member.Patch{Name: &name, Contacts: &member.Contacts{Primary: contact("primary"), Escalation: contact("escalation"), Billing: contact("billing")},
		Bcc: &member.Bcc{Outbound: v.Get("bcc.outbound"), Inbound: v.Get("bcc.inbound")}}
	if n, err := strconv.Atoi(v.Get("version")); err == nil {
		pt.Version = &n
	}
	if _, err := s.Members.Update(ctx, r.Principal, r.Param("id"), pt); err != nil {
		return s.peopleAgain(ctx, r, err, func(p *peoplePage, fields map[string]string) {
			p.Company = formState{Values: formValues(v), Errors: fields, Prefix: "company-"}
		})
	}
	return router.Redirect("/members/" + r.Param("id") + "/users?done=company"), nil
}

// addresses are the addresses of rs.
func addresses(rs []confirmation.Request) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Address)
	}
	return out
}

// userRow is one person of a member, with the forms that change them.
type userRow struct {
	ID, Name, Email, Status, Since string
	Version                        int
	Roles                          []check
	Programs                       []check
	Active, Self                   bool
	// Problem is why the last change to this person was refused.
	Problem string
}

// newUserFields is the invitation or API-token form with what it came back with.
type newUserFields struct {
	Name, Email string
	Roles       []check
	Errors      map[string]string
}

// peoplePage is a member's users, the invitation form and API tokens.
type peoplePage struct {
	// UnconfirmedCaptures are capture addresses whose owners have not
	// confirmed them: Tandem copies nothing to them yet.
	UnconfirmedCaptures []string
	Nav                 nav
	// History is the member's timeline with its users' (for its admins).
	History              []timelineEntry
	MemberID, MemberName string
	Users                []userRow
	Departments          []option
	Invite, Token        newUserFields
	// NewToken is an integration's API token, shown once.
	NewToken, NewTokenName string
	// APIBase is where the API answers ({BaseURL}/v1), for the token's how-to.
	APIBase         string
	Notice, Problem string
	// Company is the member's name and contacts form (its values by the
	// JSON names of PATCH /v1/members/{id}, and their errors).
	// Company is the company details form.
	Company formState
	Version int
	// Merged, when set, is the member this one was (Merging: is being)
	// merged into (value: its id).
	Merged  *option
	Merging bool
}
