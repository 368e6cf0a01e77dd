package collab

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/program"
)

// DirectoryReader is what the directory needs (Directory): the caller's
// member and the programs it hosts or is enrolled in, each program's
// partners, the full members everyone reaches, and their departments.
type DirectoryReader interface {
	GetMember(ctx context.Context, id string) (member.Member, error)
	GetProgram(ctx context.Context, id string) (program.Program, error)
	ListHostPrograms(ctx context.Context, memberID string) ([]program.Program, error)
	ListMemberEnrollments(ctx context.Context, memberID string) ([]enrollment.Enrollment, error)
	ListProgramEnrollments(ctx context.Context, programID string, status enrollment.Status, limit int, cursor string) ([]enrollment.Enrollment, string, error)
	ListMembersByKind(ctx context.Context, kind member.Kind) ([]member.Member, error)
	ListMemberDepartments(ctx context.Context, memberID string) ([]department.Department, error)
}

// Via is a program through which one member reaches another.
type Via struct {
	ProgramID   string
	ProgramName string
	Type        program.Type
	// SLA is the program's response time per priority (what a submitter
	// is told before opening a case).
	SLA program.SLA
}

// Entry is one member in a caller's directory, with the departments the
// caller may send cases to.
type Entry struct {
	MemberID    string
	Name        string
	Kind        member.Kind
	Programs    []Via
	ViaFull     bool
	Departments []department.Department
}

// role of a member in a program: whether it hosts it or is an enrolled
// partner who may collaborate now (st is its enrollment's status, "" for
// none).
func role(prg program.Program, memberID string, st enrollment.Status) (host, partner bool) {
	return prg.HostMemberID == memberID, st.Reaches()
}

// Reaches is the reach rule of a program: in host-centric programs the host
// and its active partners reach each other; in the others any two active
// participants (the host included) do. Nobody reaches itself.
// sa and sb are the members' enrollment statuses in it ("" for none).
func Reaches(prg program.Program, a string, sa enrollment.Status, b string, sb enrollment.Status) bool {
	if a == b {
		return false
	}
	aHost, aPartner := role(prg, a, sa)
	bHost, bPartner := role(prg, b, sb)
	if prg.Type.HostCentric() {
		return (aHost && bPartner) || (bHost && aPartner)
	}
	return (aHost || aPartner) && (bHost || bPartner)
}

// Directory lists the members the caller may open cases with, whose names
// contain q (any case), a page at a time.
func (s *Service) Directory(ctx context.Context, p auth.Principal, q string, limit int, cursor string) ([]Entry, string, error) {
	if p.MemberID == "" {
		return nil, "", apperr.InvalidField("memberId", "the directory is a member's view; operators have none")
	}
	me, err := s.store.GetMember(ctx, p.MemberID)
	if err != nil {
		return nil, "", err
	}
	cands := map[string]*Entry{}
	add := func(id, name string, kind member.Kind, via *Via) {
		if id == me.ID {
			return
		}
		c, ok := cands[id]
		if !ok {
			c = &Entry{MemberID: id, Name: name, Kind: kind}
			cands[id] = c
		}
		if via != nil && !slices.ContainsFunc(c.Programs, func(v Via) bool { return v.ProgramID == via.ProgramID }) {
			c.Programs = append(c.Programs, *via)
		} else if via == nil {
			c.ViaFull = true
		}
	}

	// Programs I take part in as a partner.
	mine, err := s.store.ListMemberEnrollments(ctx, me.ID)
	if err != nil {
		return nil, "", err
	}
	for _, e := range mine {
		if !e.Status.Reaches() {
			continue
		}
		prg, err := s.store.GetProgram(ctx, e.ProgramID)
		if err != nil {
			return nil, "", err
		}
		via := &Via{ProgramID: prg.ID, ProgramName: prg.Name, Type: prg.Type, SLA: prg.SLA}
		add(prg.HostMemberID, prg.HostName, "", via)
		if !prg.Type.HostCentric() {
			if err := s.addParticipants(ctx, prg, via, add); err != nil {
				return nil, "", err
			}
		}
	}
	// Programs I host.
	hosted, err := s.store.ListHostPrograms(ctx, me.ID)
	if err != nil {
		return nil, "", err
	}
	for _, prg := range hosted {
		if err := s.addParticipants(ctx, prg, &Via{ProgramID: prg.ID, ProgramName: prg.Name, Type: prg.Type, SLA: prg.SLA}, add); err != nil {
			return nil, "", err
		}
	}
	// Full members reach each other.
	if me.Kind == member.Full {
		fulls, err := s.store.ListMembersByKind(ctx, member.Full)
		if err != nil {
			return nil, "", err
		}
		for _, m := range fulls {
			if m.MergedInto == "" { // a merged member's cases go to the member it went into
				add(m.ID, m.Name, m.Kind, nil)
			}
		}
	}

	q = strings.ToLower(strings.TrimSpace(q))
	var list []*Entry
	for _, c := range cands {
		if q == "" || strings.Contains(strings.ToLower(c.Name), q) {
			list = append(list, c)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := strings.ToLower(list[i].Name), strings.ToLower(list[j].Name)
		if a != b {
			return a < b
		}
		return list[i].MemberID < list[j].MemberID
	})
	offset := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 || n > len(list) {
			return nil, "", apperr.Malformed("the cursor is not valid for this list; start again without it")
		}
		offset = n
	}
	end := min(offset+limit, len(list))
	page := list[offset:end]
	next := ""
	if end < len(list) {
		next = strconv.Itoa(end)
	}
	// Departments only for the page, in parallel.
	var wg sync.WaitGroup
	errs := make([]error, len(page))
	sem := make(chan struct{}, 8)
	for i, c := range page {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			deps, err := s.store.ListMemberDepartments(ctx, c.MemberID)
			if err != nil {
				errs[i] = err
				return
			}
			for _, d := range deps {
				if c.ViaFull || slices.ContainsFunc(c.Programs, func(v Via) bool { return d.Serves(v.ProgramID) }) {
					c.Departments = append(c.Departments, d)
				}
			}
			if c.Kind == "" {
				if m, err := s.store.GetMember(ctx, c.MemberID); err == nil {
					c.Name, c.Kind = m.Name, m.Kind
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, "", err
		}
	}
	out := make([]Entry, len(page))
	for i, c := range page {
		out[i] = *c
	}
	return out, next, nil
}

// addParticipants adds a program's host and active partners as reachable.
func (s *Service) addParticipants(ctx context.Context, prg program.Program, via *Via, add func(string, string, member.Kind, *Via)) error {
	add(prg.HostMemberID, prg.HostName, "", via)
	for _, st := range []enrollment.Status{enrollment.Active, enrollment.Lapsed} {
		cursor := ""
		for {
			es, next, err := s.store.ListProgramEnrollments(ctx, prg.ID, st, 200, cursor)
			if err != nil {
				return err
			}
			for _, e := range es {
				add(e.MemberID, e.MemberName, "", via)
			}
			if next == "" {
				break
			}
			cursor = next
		}
	}
	return nil
}
