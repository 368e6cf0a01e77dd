package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/hours"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/router"
)

// weekDays are the business days a department may be open, in order.
var weekDays = []check{
	{Value: "mon", Label: "Mon"}, {Value: "tue", Label: "Tue"}, {Value: "wed", Label: "Wed"}, {Value: "thu", Label: "Thu"},
	{Value: "fri", Label: "Fri"}, {Value: "sat", Label: "Sat"}, {Value: "sun", Label: "Sun"},
}

// departmentPage serves GET /departments/{id}: its member's admins and
// operators edit it (other users 403, other tenants 404).
func (s *Server) departmentPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	d, err := s.adminDepartment(ctx, r)
	if err != nil {
		return nil, err
	}
	in := departmentInput{Name: d.Name, Inbound: d.Inbound, Form: d.Form}
	e, err := s.departmentEditor(ctx, r, d, in, nil)
	if err != nil {
		return nil, err
	}
	switch r.Query.Get("done") {
	case "saved":
		e.Notice = "Saved. New cases follow it from now on."
		if len(e.Unconfirmed) > 0 {
			e.Notice += " A new address gets a confirmation link: Tandem mails it cases once its owner confirms."
		}
	case "resent":
		e.Notice = "The confirmation link is on its way to " + strings.Join(e.Unconfirmed, " and ") + "."
	}
	return router.Page(http.StatusOK, departmentView(e)), nil
}

func (s *Server) adminDepartment(ctx context.Context, r *router.Request) (department.Department, error) {
	d, err := s.Departments.Get(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return department.Department{}, err
	}
	if !r.Principal.AdminOf(d.MemberID) {
		return department.Department{}, apperr.Forbidden("a department's settings are for its company's admins")
	}
	return d, nil
}

// departmentForm serves POST /departments/{id}: previews or saves.
func (s *Server) departmentForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	d, err := s.adminDepartment(ctx, r)
	if err != nil {
		return nil, err
	}
	v, err := r.Form()
	if err != nil {
		return nil, err
	}
	if v.Get("resend") != "" {
		if _, err := s.Departments.Resend(ctx, r.Principal, d.ID); err != nil {
			return nil, err
		}
		return router.Redirect("/departments/" + d.ID + "?done=resent"), nil
	}
	in, rows := departmentFromForm(v)
	if v.Get("preview") != "" {
		e, err := s.departmentEditor(ctx, r, d, in, nil)
		if err != nil {
			return nil, err
		}
		e.Previewing, e.Values = true, formValues(v)
		return router.Page(http.StatusOK, departmentView(e)), nil
	}
	pt := department.Patch{Name: &in.Name, Inbound: &in.Inbound, Form: &in.Form}
	if n, err := strconv.Atoi(v.Get("version")); err == nil {
		pt.Version = &n
	}
	if _, err := s.Departments.Update(ctx, r.Principal, d.ID, pt); err != nil {
		f, ok := refused(err)
		if !ok {
			return nil, err
		}
		e, perr := s.departmentEditor(ctx, r, d, in, departmentErrors(f.Fields, rows))
		if perr != nil {
			return nil, perr
		}
		e.Values = formValues(v)
		e.Problem = "Please check the highlighted fields."
		if f.Conflict() {
			e.Problem = "Not saved: " + f.Message + "."
		}
		return router.Page(f.Status, departmentView(e)), nil
	}
	return router.Redirect("/departments/" + d.ID + "?done=saved"), nil
}

// departmentInput is what the department form edits.
type departmentInput struct {
	Name    string
	Inbound department.Inbound
	Form    form.Form
}

// departmentFromForm reads the form: the process form's rows in the order
// of their positions, removed and blank rows left out. rows maps each kept
// field to the row it came from (to place errors).
func departmentFromForm(v url.Values) (departmentInput, []int) {
	in := departmentInput{
		Name: v.Get("name"),
		Inbound: department.Inbound{
			Email: v.Get("inbound.email"), Phone: v.Get("inbound.phone"), WebhookURL: strings.TrimSpace(v.Get("inbound.webhookUrl")),
			Instructions: v.Get("inbound.instructions"),
			Escalation:   member.Contact{Name: v.Get("inbound.escalation.name"), Email: v.Get("inbound.escalation.email"), Phone: v.Get("inbound.escalation.phone")},
		},
	}
	if v.Get("inbound.hours.always") != "" {
		in.Inbound.Hours = hours.AlwaysOpen
	} else {
		in.Inbound.Hours = hours.Hours{Zone: v.Get("inbound.hours.timezone"), Days: v["inbound.hours.days"], Start: v.Get("inbound.hours.start"), End: v.Get("inbound.hours.end"),
			Holidays: lines(v.Get("inbound.hours.holidays"))}
	}
	type row struct {
		n, pos int
		f      form.Field
	}
	var keep []row
	for n := 0; n <= form.MaxFields; n++ {
		k := func(part string) string { return v.Get(fmt.Sprintf("form.fields.%d.%s", n, part)) }
		name, label := strings.TrimSpace(k("name")), strings.TrimSpace(k("label"))
		if k("remove") != "" || (name == "" && label == "") {
			continue
		}
		f := form.Field{Name: name, Label: label, Type: form.FieldType(k("type")), Required: k("required") != "", Pattern: k("pattern"), Help: k("help")}
		for _, o := range strings.Split(k("options"), ",") {
			if o = strings.TrimSpace(o); o != "" {
				f.Options = append(f.Options, o)
			}
		}
		f.MaxLength, _ = strconv.Atoi(strings.TrimSpace(k("maxLength")))
		pos, err := strconv.Atoi(k("position"))
		if err != nil {
			pos = 1000 + n
		}
		keep = append(keep, row{n: n, pos: pos, f: f})
	}
	slices.SortStableFunc(keep, func(a, b row) int { return a.pos - b.pos })
	rows := make([]int, 0, len(keep))
	in.Form.Fields = []form.Field{}
	for _, r := range keep {
		in.Form.Fields = append(in.Form.Fields, r.f)
		rows = append(rows, r.n)
	}
	return in, rows
}

var formFieldPath = regexp.MustCompile(`^form\.fields\[(\d+)\](?:\.([a-zA-Z]+))?`)

// departmentErrors places the API's error paths on the page's inputs; a
// process-form field's error goes to the row it was typed in.
func departmentErrors(fields map[string]string, rows []int) map[string]string {
	out := map[string]string{}
	for path, why := range fields {
		if m := formFieldPath.FindStringSubmatch(path); m != nil {
			i, _ := strconv.Atoi(m[1])
			if i < len(rows) {
				key := fmt.Sprintf("form.fields.%d", rows[i])
				if m[2] != "" && m[2] != "options" {
					key += "." + m[2]
				} else if m[2] == "options" {
					key += ".options"
				}
				out[key] = why
				continue
			}
		}
		if strings.HasPrefix(path, "inbound.hours") {
			path = "inbound.hours"
		}
		out[path] = why
	}
	return out
}

// departmentEditor builds the page for department d showing in; errs are
// the errors beside the fields.
func (s *Server) departmentEditor(ctx context.Context, r *router.Request, d department.Department, in departmentInput, errs map[string]string) (departmentEditor, error) {
	e := departmentEditor{
		Nav: s.nav(r, "people"), ID: d.ID, MemberID: d.MemberID, Version: d.Version,
		Always: in.Inbound.Hours.Always, formState: formState{Errors: errs, Values: map[string]string{
			"name": in.Name, "inbound.email": in.Inbound.Email, "inbound.phone": in.Inbound.Phone, "inbound.webhookUrl": in.Inbound.WebhookURL,
			"inbound.instructions": in.Inbound.Instructions, "inbound.hours.start": in.Inbound.Hours.Start, "inbound.hours.end": in.Inbound.Hours.End,
			"inbound.hours.holidays":  strings.Join(in.Inbound.Hours.Holidays, "\n"),
			"inbound.escalation.name": in.Inbound.Escalation.Name, "inbound.escalation.email": in.Inbound.Escalation.Email,
			"inbound.escalation.phone": in.Inbound.Escalation.Phone,
		}},
	}
	evs, _, err := s.Departments.Events(ctx, r.Principal, d.ID, historyLimit, "")
	if err != nil {
		return departmentEditor{}, err
	}
	e.History = s.history(ctx, r, evs, d.MemberID)
	e.MemberName = s.Members.Names(ctx, d.MemberID)[d.MemberID]
	if u := d.Unreachable; u != nil {
		e.Warnings = append(e.Warnings, fmt.Sprintf("Mail to %s %s on %s (%s), so Tandem no longer sends this department's cases there. "+
			"Make sure the mailbox takes mail (or give another address), then save: Tandem mails it again from then on.",
			u.Address, u.What(), u.Since.Format("2 January 2006"), u.Said()))
	}
	if d.WebhookDisabled {
		e.Warnings = append(e.Warnings, "Tandem turned the webhook off after a day of failed deliveries. Fix the receiver, then save to turn it on again.")
	}
	for _, a := range d.Unconfirmed() {
		e.Unconfirmed = append(e.Unconfirmed, a.Address)
		what := "this department's cases reach you here in Tandem and by webhook, not by mail"
		if !strings.EqualFold(a.Address, d.Inbound.Email) {
			what = "escalations of unanswered cases are not mailed to it"
		}
		e.Warnings = append(e.Warnings, fmt.Sprintf("Tandem mails %s only once its owner confirms it with the link mailed to it: until then %s.", a.Address, what))
	}
	for _, c := range weekDays {
		c.Checked = slices.Contains(in.Inbound.Hours.Days, c.Value)
		e.Days = append(e.Days, c)
	}
	zone := in.Inbound.Hours.Zone
	if zone == "" {
		zone = "UTC"
	}
	zones := commonZones
	if !slices.Contains(zones, zone) {
		zones = append([]string{zone}, zones...)
	}
	for _, z := range zones {
		e.Zones = append(e.Zones, option{Value: z, Label: z, Selected: z == zone})
	}
	for _, t := range []form.FieldType{form.Text, form.Textarea, form.Email, form.Number, form.Date, form.Select} {
		e.Types = append(e.Types, string(t))
	}
	for i, f := range in.Form.Fields {
		row := formFieldRow{Name: f.Name, Label: f.Label, Type: string(f.Type), Options: strings.Join(f.Options, ", "), Pattern: f.Pattern,
			Help: f.Help, Required: f.Required, Position: i + 1}
		if f.MaxLength > 0 {
			row.MaxLength = strconv.Itoa(f.MaxLength)
		}
		e.Fields = append(e.Fields, row)
		sample := inputOf(f, "", "")
		sample.ID, sample.Name, sample.Hint = "sample-"+f.Name, "", f.Help
		e.Sample = append(e.Sample, sample)
	}
	e.Fields = append(e.Fields, formFieldRow{Type: string(form.Text), Position: len(in.Form.Fields) + 1})
	if err := s.deadlines(ctx, r.Principal, &e, d, in.Inbound.Hours); err != nil {
		return e, err
	}
	return e, nil
}

// deadlines previews, for each program the department serves, when a case
// of each priority opened now would need its first response.
func (s *Server) deadlines(ctx context.Context, viewer auth.Principal, e *departmentEditor, d department.Department, h hours.Hours) error {
	loc := deadlineZone(h)
	now := s.Now()
	for _, id := range d.ProgramIDs {
		prg, _, err := s.Programs.Get(ctx, viewer, id)
		if err != nil {
			continue // a program that cannot be read has no deadlines to show
		}
		for _, p := range []program.Priority{program.Critical, program.High, program.Medium, program.Low} {
			sla := prg.SLA.For(p)
			due, err := collab.ResponseDue(h, p, sla, now)
			if err != nil {
				e.DeadlineProblem = "These hours cannot hold the response times: " + err.Error() + "."
				return nil
			}
			e.Deadlines = append(e.Deadlines, deadlineRow{Program: prg.Name, Priority: string(p), Within: spoken(sla), Due: due.In(loc).Format(timeLayout)})
		}
	}
	return nil
}

// deadlineZone is the zone a department's deadlines read in: its own, else UTC.
func deadlineZone(h hours.Hours) *time.Location {
	if h.Zone != "" {
		if loc, err := hours.Zone(h.Zone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// spoken is a response time as a person says it (2 hours, 30 minutes, 1 day).
func spoken(d time.Duration) string {
	unit := func(n int, word string) string {
		if n == 1 {
			return "1 " + word
		}
		return strconv.Itoa(n) + " " + word + "s"
	}
	switch {
	case d%(24*time.Hour) == 0:
		return unit(int(d/(24*time.Hour)), "day")
	case d%time.Hour == 0:
		return unit(int(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return unit(int(d/time.Minute), "minute")
	}
	return program.FormatDuration(d)
}

// formFieldRow is one field of the process form editor.
type formFieldRow struct {
	Name, Label, Type, Options, Pattern, MaxLength, Help string
	Required                                             bool
	// Position orders the fields; a blank row adds one.
	Position int
}

// deadlineRow is when a case opened now would need its first response.
type deadlineRow struct{ Program, Priority, Within, Due string }

// departmentEditor is a department's inbound process, hours, escalation
// contact and process form, with previews of the deadlines and the form.
type departmentEditor struct {
	Nav                      nav
	History                  []timelineEntry
	ID, MemberID, MemberName string
	Version                  int
	formState
	Days            []check
	Zones           []option
	Always          bool
	Fields          []formFieldRow
	Types           []string
	Deadlines       []deadlineRow
	DeadlineProblem string
	// Sample is the process form as a submitter will see it.
	Sample          []inputSpec
	Notice, Problem string
	// Warnings say what stopped working by itself (a mailbox that
	// bounced, a webhook turned off) and how saving fixes it.
	Warnings   []string
	Previewing bool
	// Unconfirmed are the department's addresses whose owners have not
	// confirmed them yet: the page offers to mail their links again.
	Unconfirmed []string
}
