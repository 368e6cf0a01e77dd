package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/web"
)

// configurationTabs are the status filters of the configurations page.
var configurationTabs = []option{
	{Value: "submitted", Label: "Waiting for review"}, {Value: "approved", Label: "Approved"},
	{Value: "rejected", Label: "Rejected"}, {Value: "", Label: "All"},
}

// configurationsPage serves GET /programs/{id}/configurations: the host's
// review queue (submitted first) or a partner's own with its form.
func (s *Server) configurationsPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	st := defaultFilter
	if status, ok := r.Query["status"]; ok {
		st = status[0]
	}
	p, err := s.configurationsData(ctx, r, st, r.Query.Get("show"), nil)
	if err != nil {
		return nil, err
	}
	switch r.Query.Get("done") {
	case "submit":
		p.Notice = "Submitted: the host was mailed to review it; its decision comes to your admins by mail and shows here."
	case "approve":
		p.Notice = "Approved: it is listed on the marketplace while the partner's place is active, and the partner's admins were mailed."
	case "reject":
		p.Notice = "Rejected: the partner's admins were mailed your reason, which also shows here."
	}
	return router.Page(http.StatusOK, configurationsView(p)), nil
}

// defaultFilter asks configurationsData for the viewer's default list.
const defaultFilter = "default"

// configurationsData builds the page; show names the configuration whose
// timeline is opened, mark adjusts a row (a refusal).
func (s *Server) configurationsData(ctx context.Context, r *router.Request, status, show string, mark func(*configurationItem)) (configurationsPage, error) {
	programID := r.Param("id")
	prg, err := s.Marketplace.ProgramFor(ctx, r.Principal, programID)
	if err != nil {
		return configurationsPage{}, err
	}
	host := r.Principal.In(prg.HostMemberID)
	if status == defaultFilter {
		status = "" // a partner: all of its own
		if host {
			status = string(marketplace.Submitted) // the host: what waits for it
		}
	}
	cs, _, err := s.Marketplace.List(ctx, r.Principal, programID, marketplace.Status(status), 200, "")
	if err != nil {
		return configurationsPage{}, err
	}
	p := configurationsPage{
		Nav: s.nav(r, "programs"), ProgramID: prg.ID, ProgramName: prg.Name, MarketplaceURL: "/p/" + prg.Slug + "/marketplace",
		Host: host, Status: status, Tabs: configurationTabs, Values: map[string]string{}, Errors: map[string]string{},
	}
	decides := r.Principal.AdminOf(prg.HostMemberID)
	p.Decides = decides
	for _, c := range cs {
		row := configurationItemOf(c)
		row.CanApprove = decides && c.Status == marketplace.Submitted
		row.CanReject = decides && c.Status != marketplace.Rejected
		if c.ID == show {
			if row.Timeline, err = s.configurationTimeline(ctx, r, c); err != nil {
				return configurationsPage{}, err
			}
			row.Shown = true
		}
		if mark != nil {
			mark(&row)
		}
		p.Rows = append(p.Rows, row)
	}
	if !host {
		st, err := s.Marketplace.Place(ctx, prg.ID, r.Principal.MemberID)
		if err != nil {
			return configurationsPage{}, err
		}
		switch {
		case !r.Principal.AdminOf(r.Principal.MemberID):
			p.Why = "Your company's admins submit configurations."
		case st != enrollment.Active:
			p.Why = "Your company's place in this program is " + strings.ReplaceAll(string(st), "_", " ") + ": configurations are submitted once it is active."
		default:
			p.CanSubmit = true
		}
	}
	return p, nil
}

// configurationTimeline is c's events, actors by name where known.
func (s *Server) configurationTimeline(ctx context.Context, r *router.Request, c marketplace.Configuration) ([]timelineEntry, error) {
	evs, _, err := s.Marketplace.Events(ctx, r.Principal, c.ID, 200, "")
	if err != nil {
		return nil, err
	}
	loc, _, _ := viewerZone(r)
	names := s.actorNames(ctx, c.HostMemberID, c.MemberID)
	var out []timelineEntry
	for _, ev := range evs {
		what := ev.Action
		if ev.From != "" && ev.To != ev.From {
			what += " → " + ev.To
		}
		out = append(out, timelineEntry{At: ev.At.In(loc).Format(timeLayout), Actor: names(ev.Actor), What: what, Text: ev.Reason})
	}
	return out, nil
}

// marketplaceRow is configuration c as the marketplace shows it.
func marketplaceRow(c marketplace.Configuration) web.MarketplaceRow {
	return web.MarketplaceRow{
		ID: c.ID, Partner: c.MemberName, PartnerProduct: c.PartnerProduct, PartnerVersion: c.PartnerVersion, HostProduct: c.HostProduct,
		HostVersions: strings.Join(c.HostVersions, ", "), Notes: c.Notes, SupportURL: c.SupportURL,
	}
}

// configurationItemOf is configuration c as the configurations page shows it.
func configurationItemOf(c marketplace.Configuration) configurationItem {
	return configurationItem{MarketplaceRow: marketplaceRow(c), Status: string(c.Status),
		Reason: c.Reason, Submitted: c.CreatedAt.UTC().Format("2 Jan 2006"), Version: c.Version}
}

// configurationItem is one validated configuration on the configurations
// page: what the marketplace shows, and its review.
type configurationItem struct {
	web.MarketplaceRow
	Status, Reason, Submitted string
	Version                   int
	// CanApprove and CanReject offer the host's decisions.
	CanApprove, CanReject bool
	// Shown opens the row's Timeline.
	Shown    bool
	Timeline []timelineEntry
	// Problem, Errors and Values show a refused decision on its row.
	Problem string
	Errors  map[string]string
	Values  map[string]string
}

// configurationsPagePost serves POST /programs/{id}/configurations: a
// partner admin's submission.
func (s *Server) configurationsPagePost(ctx context.Context, r *router.Request) (*router.Response, error) {
	v, err := r.Form()
	if err != nil {
		return nil, err
	}
	in := marketplace.Input{
		PartnerProduct: v.Get("partnerProduct"), PartnerVersion: v.Get("partnerVersion"), HostProduct: v.Get("hostProduct"),
		Notes: v.Get("notes"), SupportURL: v.Get("supportUrl"),
	}
	for _, hv := range strings.Split(v.Get("hostVersions"), ",") {
		if hv = strings.TrimSpace(hv); hv != "" {
			in.HostVersions = append(in.HostVersions, hv)
		}
	}
	programID := r.Param("id")
	if _, err := s.Marketplace.Submit(ctx, r.Principal, programID, in, idem.None); err != nil {
		f, ok := refused(err)
		if !ok {
			return nil, err
		}
		p, perr := s.configurationsData(ctx, r, "", "", nil)
		if perr != nil {
			return nil, perr
		}
		p.Values = formValues(v)
		p.Problem = f.Message
		for k, why := range f.Fields {
			if strings.HasPrefix(k, "hostVersions.") {
				k = "hostVersions"
			}
			p.Errors[k] = why
		}
		if len(f.Fields) > 0 {
			p.Problem = "Please check the highlighted fields."
		}
		return router.Page(f.Status, configurationsView(p)), nil
	}
	return router.Redirect("/programs/" + programID + "/configurations?" + url.Values{"status": {""}, "done": {"submit"}}.Encode()), nil
}

// configurationDecision serves POST
// /programs/{id}/configurations/{configurationId}/approve and /reject.
func (s *Server) configurationDecision(a marketplace.Action) router.Handler {
	return func(ctx context.Context, r *router.Request) (*router.Response, error) {
		v, err := r.Form()
		if err != nil {
			return nil, err
		}
		programID, id := r.Param("id"), r.Param("configurationId")
		c, err := s.Marketplace.Get(ctx, r.Principal, id)
		if err != nil {
			return nil, err
		}
		if c.ProgramID != programID {
			return nil, apperr.NotFound("configuration %s not found in program %s", id, programID)
		}
		var version *int
		if n, err := strconv.Atoi(v.Get("version")); err == nil {
			version = &n
		}
		status := v.Get("status")
		if _, err := s.Marketplace.Decide(ctx, r.Principal, id, a, v.Get("reason"), version); err != nil {
			f, ok := refused(err)
			if !ok {
				return nil, err
			}
			p, perr := s.configurationsData(ctx, r, status, "", func(row *configurationItem) {
				if row.ID != id {
					return
				}
				row.Values, row.Errors = map[string]string{"reason": v.Get("reason")}, map[string]string{}
				if f.Conflict() {
					row.Problem = "This configuration changed while you were looking: " + f.Message + ". It is shown as it is now."
					return
				}
				row.Problem = "Please give a reason."
				for k, why := range f.Fields {
					row.Errors[k] = "The reason " + why
				}
			})
			if perr != nil {
				return nil, perr
			}
			return router.Page(f.Status, configurationsView(p)), nil
		}
		return router.Redirect("/programs/" + programID + "/configurations?" + url.Values{"status": {status}, "done": {string(a)}}.Encode() + "#" + id), nil
	}
}

// marketplacePage serves GET /p/{slug}/marketplace (public).
func (s *Server) marketplacePage(ctx context.Context, r *router.Request) (*router.Response, error) {
	prg, err := s.Registration.Program(ctx, r.Param("slug"))
	if err != nil {
		return nil, err
	}
	product, version := strings.TrimSpace(r.Query.Get("product")), strings.TrimSpace(r.Query.Get("version"))
	if len(product) > 120 || len(version) > 40 {
		return nil, apperr.InvalidField("product", "a search is at most 120 characters (a version 40)")
	}
	cs, err := s.Marketplace.Marketplace(ctx, prg, product, version)
	if err != nil {
		return nil, err
	}
	m := web.MarketplacePage{Product: product, Version: version, Searched: product != "" || version != ""}
	for _, c := range cs {
		m.Rows = append(m.Rows, marketplaceRow(c))
	}
	return router.Page(http.StatusOK, web.MarketplaceView(prg, m)), nil
}

// configurationsPage is a program's validated configurations: the host's
// review queue, or a partner's own with the form to submit one.
type configurationsPage struct {
	Nav                    nav
	ProgramID, ProgramName string
	MarketplaceURL         string
	// Host is true for the host's users (all partners' configurations);
	// Decides for those who approve and reject.
	Host, Decides bool
	// Status filters the list ("" for all); Tabs are the filters offered.
	Status string
	Tabs   []option
	Rows   []configurationItem
	// CanSubmit shows the submission form (a partner admin, place active);
	// Why says why a partner cannot submit.
	CanSubmit bool
	Why       string
	Notice    string
	Problem   string
	Values    map[string]string
	Errors    map[string]string
}
