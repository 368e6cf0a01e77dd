package suppression

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// Store is what the service needs of the table.
type Store interface {
	// Suppress records s; an address already suppressed keeps its first
	// record (a redelivered event changes nothing).
	Suppress(ctx context.Context, s Suppression) error
	// DepartmentsAt lists the departments whose inbound address is addr.
	DepartmentsAt(ctx context.Context, addr string) ([]department.Department, error)
	// MarkUnreachable saves d as unreachable with msgs, conditional on d's
	// version and on d not being unreachable yet (apperr.ErrConflict).
	MarkUnreachable(ctx context.Context, d department.Department, msgs []notify.Message) error
	GetDepartment(ctx context.Context, id string) (department.Department, error)
	GetMember(ctx context.Context, id string) (member.Member, error)
	ListMemberUsers(ctx context.Context, memberID string) ([]member.User, error)
	GetProgram(ctx context.Context, id string) (program.Program, error)
}

// Service suppresses addresses that bounce or complain.
type Service struct {
	store  Store
	Origin notify.Origin
	// Operators are told when a department becomes unreachable.
	Operators []string
	Log       *slog.Logger
}

// NewService is the service over st configured as c (its exported fields):
// its store is its own, so no caller reads around its checks.
func NewService(st Store, c Service) *Service {
	c.store = st
	return &c
}

// Summary is what one event did.
type Summary struct {
	Kind Kind `json:"kind"`
	// Suppressed counts the addresses no longer mailed; Ignored those of a
	// transient bounce, which are mailed again.
	Suppressed int `json:"suppressed"`
	Ignored    int `json:"ignored"`
	// Unreachable counts the departments newly marked unreachable.
	Unreachable int `json:"unreachable"`
}

// Handle acts on one SES event at instant now. It is safe to run twice on
// the same event: a suppressed address stays suppressed, and a department
// already unreachable is neither marked nor announced again.
func (s *Service) Handle(ctx context.Context, ev Event, now time.Time) (Summary, error) {
	sum := Summary{Kind: ev.Kind}
	if !ev.Permanent {
		sum.Ignored = len(ev.Recipients)
		s.log().Info("transient bounce: the address stays in use", "message", ev.MessageID, "recipients", len(ev.Recipients))
		return sum, nil
	}
	at := ev.At
	if at.IsZero() {
		at = now
	}
	for _, rc := range ev.Recipients {
		if err := s.store.Suppress(ctx, Suppression{Address: rc.Address, Kind: ev.Kind, Reason: rc.Reason, At: at, MessageID: ev.MessageID}); err != nil {
			return sum, fmt.Errorf("suppress %s: %w", rc.Address, err)
		}
		sum.Suppressed++
		deps, err := s.store.DepartmentsAt(ctx, rc.Address)
		if err != nil {
			return sum, err
		}
		for _, d := range deps {
			marked, err := s.markUnreachable(ctx, d, ev.Kind, rc, at, now)
			if err != nil {
				return sum, err
			}
			if marked {
				sum.Unreachable++
			}
		}
	}
	s.log().Warn("mail addresses suppressed", "kind", ev.Kind, "message", ev.MessageID, "suppressed", sum.Suppressed, "unreachable_departments", sum.Unreachable)
	return sum, nil
}

// markUnreachable marks d unreachable and tells those who must know, once;
// a department changed meanwhile is read again (a few times).
func (s *Service) markUnreachable(ctx context.Context, d department.Department, kind Kind, rc Recipient, at, now time.Time) (bool, error) {
	for try := 0; ; try++ {
		if d.Unreachable != nil || !Same(d.Inbound.Email, rc.Address) {
			return false, nil // told already, or the address was changed since
		}
		d.Unreachable = &department.Unreachable{Address: rc.Address, Reason: rc.Reason, Since: at, Complaint: kind == Complaint}
		d.Version++
		d.UpdatedAt, d.UpdatedBy = now, "mail events (SES)"
		msgs, err := s.messages(ctx, d, now)
		if err != nil {
			return false, err
		}
		err = s.store.MarkUnreachable(ctx, d, msgs)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, apperr.ErrConflict) || try >= 3 {
			return false, fmt.Errorf("mark department %s unreachable: %w", d.ID, err)
		}
		if d, err = s.store.GetDepartment(ctx, d.ID); err != nil {
			return false, err
		}
	}
}

// messages tell the member's admins how to fix the mailbox, and the hosts
// of the department's programs and the operators how to reach it meanwhile.
func (s *Service) messages(ctx context.Context, d department.Department, now time.Time) ([]notify.Message, error) {
	u := d.Unreachable
	m, err := s.store.GetMember(ctx, d.MemberID)
	if err != nil {
		return nil, err
	}
	users, err := s.store.ListMemberUsers(ctx, d.MemberID)
	if err != nil {
		return nil, err
	}
	owners := member.AdminsOrPrimary(m, users)
	var others []string
	for _, id := range d.ProgramIDs {
		prg, err := s.store.GetProgram(ctx, id)
		if errors.Is(err, apperr.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if prg.HostMemberID != d.MemberID {
			others = append(others, prg.NotifyEmails...)
		}
	}
	others = append(others, s.Operators...)
	// Nobody hears twice, and the mailbox that bounced hears nothing.
	seen := map[string]bool{Normalize(u.Address): true}
	pick := func(addrs []string) []string {
		var out []string
		for _, a := range addrs {
			if n := Normalize(a); n != "" && !seen[n] {
				seen[n] = true
				out = append(out, a)
			}
		}
		return out
	}
	owners, others = pick(owners), pick(others)
	data := notify.DepartmentUnreachable{
		DepartmentName: d.Name, MemberName: m.Name, Address: u.Address, Phone: d.Inbound.Phone,
		BaseURL: s.Origin.BaseURL, DepartmentID: d.ID, What: u.What(), Reason: u.Said(),
	}
	var msgs []notify.Message
	add := func(to []string, owner bool) {
		if len(to) > 0 {
			data.Owner = owner
			msgs = append(msgs, notify.Message{
				ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: s.Origin.From,
				To: to, Ref: d.ID, CreatedAt: now, Data: data,
			})
		}
	}
	add(owners, true)
	add(others, false)
	return msgs, nil
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}
