package console

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/web"
)

// newCasePage serves GET /cases/new: search the directory, pick a
// department (and, when it serves several, the program: it decides what
// the form asks), fill its form.
func (s *Server) newCasePage(ctx context.Context, r *router.Request) (*router.Response, error) {
	v := url.Values{}
	v.Set("departmentId", r.Query.Get("departmentId"))
	if r.Query.Has("programId") {
		v.Set("programId", r.Query.Get("programId"))
	}
	v.Set("priority", string(program.Medium))
	page, err := s.newCaseData(ctx, r, r.Query.Get("q"), v, nil)
	if err != nil {
		return nil, err
	}
	return router.Page(http.StatusOK, newCasePage(page)), nil
}

// newCaseData builds the page; v holds the form's values, errs its errors.
func (s *Server) newCaseData(ctx context.Context, r *router.Request, q string, v url.Values, errs map[string]string) (newCase, error) {
	n := newCase{Nav: s.nav(r, "new"), Query: q, Errors: errs, Values: formValues(v)}
	entries, _, err := s.Cases.Directory(ctx, r.Principal, q, 100, "")
	if err != nil {
		return n, err
	}
	depID := v.Get("departmentId")
	var typ program.Type
	for _, e := range entries {
		de := directoryEntry{Name: e.Name}
		for _, d := range e.Departments {
			label := d.Name
			if d.Unreachable != nil {
				label += " (unreachable by mail)"
			} else if !d.InboundConfirmed() {
				label += " (address not confirmed: no mail)"
			}
			de.Departments = append(de.Departments, option{Value: d.ID, Label: label})
			if d.ID != depID {
				continue
			}
			n.DepartmentID, n.Department = d.ID, e.Name+" — "+d.Name
			if u := d.Unreachable; u != nil {
				n.Warnings = append(n.Warnings, fmt.Sprintf("Mail to this department %s on %s, so it will not get this case by mail; its admins were told. "+
					"The case still opens and shows in their inbox%s.", u.What(), u.Since.Format("2 January 2006"), phoneHint(d.Inbound.Phone)))
			} else if !d.InboundConfirmed() {
				n.Warnings = append(n.Warnings, "This department has not confirmed its address yet, so it will not get this case by mail. "+
					"The case still opens and shows in its inbox in Tandem (and reaches its webhook, if it has one)"+phoneHint(d.Inbound.Phone)+".")
			}
			types, slas := map[string]program.Type{}, map[string]program.SLA{}
			for _, via := range e.Programs {
				if d.Serves(via.ProgramID) {
					n.Programs = append(n.Programs, option{Value: via.ProgramID, Label: via.ProgramName})
					types[via.ProgramID], slas[via.ProgramID] = via.Type, via.SLA
				}
			}
			if e.ViaFull {
				// What collab.Open makes of a case without a program.
				n.Programs = append(n.Programs, option{Value: "", Label: collab.FullMembership.Name})
				types[""], slas[""] = collab.FullMembership.Type, collab.FullMembership.SLA
			}
			if i := chosenProgram(v, n.Programs); i >= 0 {
				n.Programs[i].Selected = true
				n.ProgramID, n.ProgramName, typ = n.Programs[i].Value, n.Programs[i].Label, types[n.Programs[i].Value]
				loc, zone, _ := viewerZone(r)
				n.Process = processOf(d, responseTimes(slas[n.ProgramID], typ.Priorities(), d.Inbound.Hours), s.Now(), loc, zone)
			}
			n.NeedCustomer = typ.NeedsCustomer()
			if n.Critical = typ == program.CriticalEscalation; n.Critical {
				if why := collab.NotAroundTheClock(d); why != "" {
					n.Warnings = append(n.Warnings, why+": choose another of "+e.Name+"'s departments.")
				}
				if !r.Principal.Has(auth.RoleCritical) {
					n.Warnings = append(n.Warnings, "Only people with the critical role open critical escalations; an admin of your company can give it to you.")
				}
			}
			for _, fl := range d.Form.Fields {
				n.Inputs = append(n.Inputs, inputOf(fl, v.Get("fields."+fl.Name), errs["fields."+fl.Name]))
			}
		}
		n.Entries = append(n.Entries, de)
	}
	if depID != "" && n.DepartmentID == "" {
		return n, apperr.NotFound("department %s not found", depID)
	}
	for _, p := range typ.Priorities() {
		if p == program.Critical && !r.Principal.Has(auth.RoleCritical) && !n.Critical {
			continue // only those with the critical role may open critical cases
		}
		n.Priorities = append(n.Priorities, option{Value: string(p), Label: string(p), Selected: string(p) == v.Get("priority")})
	}
	return n, nil
}

// chosenProgram is the index of the program v names among programs, else
// of the one the page starts with: full membership where it is offered
// (a case needs no program there), else the first; -1 for none.
func chosenProgram(v url.Values, programs []option) int {
	if _, named := v["programId"]; named {
		if i := slices.IndexFunc(programs, func(o option) bool { return o.Value == v.Get("programId") }); i >= 0 {
			return i
		}
	}
	if i := slices.IndexFunc(programs, func(o option) bool { return o.Value == "" }); i >= 0 {
		return i
	}
	if len(programs) > 0 {
		return 0
	}
	return -1
}

func phoneHint(phone string) string {
	if phone == "" {
		return ""
	}
	return "; to be sure, call them: " + phone
}

// formInput renders one process-form field as a real input of its type.
func inputOf(fl form.Field, value, problem string) inputSpec {
	in := inputSpec{
		Field: web.Field{ID: "fields-" + fl.Name, Name: "fields." + fl.Name, Label: fl.Label, Hint: fl.Help, Value: value, Error: problem, Required: fl.Required},
		Kind:  string(fl.Type), Pattern: fl.Pattern, MaxLength: fl.MaxLength,
	}
	for _, o := range fl.Options {
		in.Options = append(in.Options, option{Value: o, Label: o, Selected: o == value})
	}
	return in
}

// newCaseForm serves POST /cases: opens the case and goes to it; invalid
// input is the page again (422) with the errors beside the fields.
func (s *Server) newCaseForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	v, err := r.Form()
	if err != nil {
		return nil, err
	}
	in := collab.NewCase{
		DepartmentID: v.Get("departmentId"), ProgramID: v.Get("programId"), Priority: program.Priority(v.Get("priority")),
		Summary: v.Get("summary"), Description: v.Get("description"), SubmitterCaseNumber: v.Get("submitterCaseNumber"),
		BusinessImpact: v.Get("businessImpact"), NoteToManager: v.Get("noteToManager"), Fields: map[string]any{},
	}
	if cu := (collab.Customer{Company: v.Get("customer.company"), ContactName: v.Get("customer.contactName"),
		ContactEmail: v.Get("customer.contactEmail"), CaseNumber: v.Get("customer.caseNumber")}); cu != (collab.Customer{}) {
		in.Customer = &cu
	}
	// The page forwards the posted strings of names that can be fields;
	// the domain reads each by its field's type (package form), so no
	// field costs a read here. Other keys are ignored before any work, and
	// more than any form has are refused before any either.
	for k, vs := range v {
		name, ok := strings.CutPrefix(k, "fields.")
		if ok && form.ValidName(name) && vs[0] != "" {
			in.Fields[name] = vs[0]
		}
	}
	if f := (apperr.Fields{}); !form.CheckCount(f, "fields", len(in.Fields)) {
		return s.newCaseAgain(ctx, r, v, http.StatusUnprocessableEntity, "", f)
	}
	c, err := s.Cases.Open(ctx, r.Principal, in, idem.None)
	if err == nil {
		return router.Redirect("/cases/" + c.ID), nil
	}
	status, _ := router.Status(err)
	msg, fields, _ := apperr.Public(err)
	if status != http.StatusUnprocessableEntity && status != http.StatusForbidden {
		return nil, err
	}
	res, perr := s.newCaseAgain(ctx, r, v, status, msg, fields)
	if perr != nil {
		return nil, err
	}
	return res, nil
}

// newCaseAgain is the new-case page sent back with what was posted (v)
// and why it was refused: a message, or errors by field.
func (s *Server) newCaseAgain(ctx context.Context, r *router.Request, v url.Values, status int, msg string, fields map[string]string) (*router.Response, error) {
	page, err := s.newCaseData(ctx, r, "", v, fields)
	if err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		page.Problem = msg // else the page's summary points to each error (newCase.Summary)
	}
	return router.Page(status, newCasePage(page)), nil
}

// directoryEntry is one member the engineer may open a case with.
type directoryEntry struct {
	Name        string
	Departments []option // value: department id
}

// newCase is the new-case page: the directory search, and the chosen
// department's form.
type newCase struct {
	Nav          nav
	Query        string
	Entries      []directoryEntry
	DepartmentID string
	Department   string
	// Programs are those the department takes cases of (the chosen one
	// Selected); with more than one the page lets the person choose first,
	// since the program decides what the form asks.
	Programs    []option
	ProgramID   string
	ProgramName string
	Priorities  []option
	Inputs      []inputSpec
	// Problem says why the case was not opened when no field is to blame.
	Problem string
	// Warnings say what to know before sending: the department cannot be
	// reached by mail, is not staffed around the clock…
	Warnings     []string
	Errors       map[string]string
	Values       map[string]string
	NeedCustomer bool
	// Critical: the chosen program is a critical escalation program, so
	// the form asks for the business impact, a note to the receiving
	// manager and the customer's existing case number.
	Critical bool
	// Process is how the chosen department works: instructions, hours,
	// response times in the chosen program, phone, whether it takes mail.
	Process *process
}

// shows reports whether the form has an input for name (and so shows its
// error beside it).
func (n newCase) shows(name string) bool {
	switch name {
	case "priority", "summary", "description", "submitterCaseNumber", "businessImpact",
		"customer.company", "customer.contactName", "customer.contactEmail", "customer.caseNumber":
		return true
	case "noteToManager":
		return n.Critical
	}
	return slices.ContainsFunc(n.Inputs, func(in inputSpec) bool { return in.Name == name })
}

// Summary is what the alert above the form says: a headline, and each
// error of a name the form has no input for (the department, the program,
// a field the department's form lacks) with what it is about, so an error
// is never left unsaid.
func (n newCase) Summary() (headline string, unplaced []string) {
	placed := false
	for _, name := range slices.Sorted(maps.Keys(n.Errors)) {
		if n.shows(name) {
			placed = true
			continue
		}
		label, ok := newCaseNames[name]
		if field, isField := strings.CutPrefix(name, "fields."); !ok && isField {
			label = "Process form field “" + field + "”"
		} else if !ok {
			label = name
		}
		unplaced = append(unplaced, label+": "+n.Errors[name])
	}
	switch {
	case placed && len(unplaced) > 0:
		return "Please check the highlighted fields, and:", unplaced
	case placed:
		return "Please check the highlighted fields.", nil
	case len(unplaced) > 0:
		return "The case was not opened:", unplaced
	}
	return n.Problem, nil
}

// newCaseNames are what a person calls the names the form has no input
// for, when an error is about one of them.
var newCaseNames = map[string]string{
	"departmentId": "Department", "programId": "Program", "customer": "Customer", "fields": "Process form", "noteToManager": "Note to the manager",
}
