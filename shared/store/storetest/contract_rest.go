package storetest

import (
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/audit"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/merger"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/suppression"
	"github.com/tandemhq/tandem/shared/webhook"
)

func contractSuppression(t *testing.T, open func(*testing.T) Store) {
	t.Run("a suppressed address is found however it is written, and keeps its first record", func(t *testing.T) {
		s := open(t)
		must(t, "suppress", s.Suppress(bg, suppression.Suppression{Address: "Gone@X.example", Kind: suppression.Bounce, Reason: "550 no such user", At: t0, MessageID: "ses-1"}))
		must(t, "suppress again (a redelivered event)", s.Suppress(bg, suppression.Suppression{Address: "gone@x.example", Kind: suppression.Complaint, Reason: "abuse", At: t0.Add(time.Hour)}))
		got, err := s.Suppressed(bg, []string{"GONE@x.example", "here@x.example", "gone@X.EXAMPLE"})
		must(t, "suppressed", err)
		same(t, "suppressed, as given", got, map[string]bool{"GONE@x.example": true, "gone@X.EXAMPLE": true})
		none, err := s.Suppressed(bg, nil)
		if err != nil || len(none) != 0 {
			t.Fatalf("suppressed of none: %v, %v", none, err)
		}
	})

	t.Run("a department is marked unreachable once, at the version after the one read", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		d := w.hostDep
		d.Unreachable = &department.Unreachable{Address: d.Inbound.Email, Reason: "550 no such user", Since: t0.Add(time.Minute)}
		d.Version, d.UpdatedAt, d.UpdatedBy = 2, t0.Add(time.Minute), "mail events (SES)"
		told := mail(w.hostAdmin.Email, d.ID, t0.Add(time.Minute))
		must(t, "mark", s.MarkUnreachable(bg, d, []notify.Message{told}))
		got, err := s.GetDepartment(bg, d.ID)
		must(t, "get", err)
		same(t, "the department", got, d)
		readBack(t, s, "the mail about it", []notify.Message{told}, t0.Add(time.Minute))
		again := d
		again.Version = 3
		lost := mail(w.hostAdmin.Email, d.ID, t0.Add(2*time.Minute))
		wantKind(t, "mark again", s.MarkUnreachable(bg, again, []notify.Message{lost}), apperr.ErrConflict)
		unclaimable(t, s, "the second mark's mail", []notify.Message{lost}, t0.Add(2*time.Minute))
		evs, _, err := s.ListDepartmentEvents(bg, d.ID, 10, "")
		must(t, "events", err)
		same(t, "the timeline", eventActions(evs), []string{"create", "unreachable"})
	})

	t.Run("saving a department reachable again lifts the suppression of its address, and only that", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		addr := w.hostDep.Inbound.Email
		must(t, "suppress", s.Suppress(bg, suppression.Suppression{Address: addr, Kind: suppression.Bounce, Reason: "550", At: t0}))
		must(t, "suppress another", s.Suppress(bg, suppression.Suppression{Address: "other@hostA.example", Kind: suppression.Bounce, Reason: "550", At: t0}))
		d := w.hostDep
		d.Unreachable = &department.Unreachable{Address: addr, Reason: "550", Since: t0}
		d.Version, d.UpdatedAt = 2, t0.Add(time.Minute)
		must(t, "mark", s.MarkUnreachable(bg, d, nil))
		saved := d
		saved.Unreachable, saved.Version, saved.UpdatedAt = nil, 3, t0.Add(time.Hour)
		must(t, "save", s.UpdateDepartment(bg, saved, d, nil))
		got, err := s.Suppressed(bg, []string{addr, "other@hostA.example"})
		must(t, "suppressed", err)
		same(t, "suppressed after the save", got, map[string]bool{"other@hostA.example": true})
	})
}

func contractWebhooks(t *testing.T, open func(*testing.T) Store) {
	t.Run("a member's webhook secrets are saved at a version, and a stale rotation is a conflict", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		_, err := s.GetWebhookSecrets(bg, w.host.ID)
		wantKind(t, "before any", err, webhook.ErrNoSecret)
		integ, _ := newUser(w.host.ID, "Webhooks", "webhooks@hostA.example", t0, auth.RoleEngineer)
		first := webhook.SecretSet{MemberID: w.host.ID, Current: "whsec_one", UserID: integ.ID, RotatedAt: t0, Version: 1}
		must(t, "first", s.SaveWebhookSecrets(bg, first, 0, &integ))
		got, err := s.GetWebhookSecrets(bg, w.host.ID)
		must(t, "get", err)
		same(t, "the first set", got, first)
		if _, err := s.GetUser(bg, w.host.ID, integ.ID); err != nil {
			t.Fatalf("the integration user: %v", err)
		}
		wantKind(t, "a second first", s.SaveWebhookSecrets(bg, first, 0, nil), apperr.ErrConflict)
		rotated := webhook.SecretSet{MemberID: w.host.ID, Current: "whsec_two", Previous: "whsec_one", PreviousUntil: t0.Add(25 * time.Hour),
			UserID: integ.ID, RotatedAt: t0.Add(time.Hour), Version: 2}
		must(t, "rotate", s.SaveWebhookSecrets(bg, rotated, 1, nil))
		stale := rotated
		stale.Current, stale.Version = "whsec_lost", 2
		wantKind(t, "rotate at the old version", s.SaveWebhookSecrets(bg, stale, 1, nil), apperr.ErrConflict)
		got, _ = s.GetWebhookSecrets(bg, w.host.ID)
		same(t, "the rotated set", got, rotated)
	})

	t.Run("a member's deliveries list newest first, a page at a time; one is recorded once", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		var want []string
		for i := 0; i < 5; i++ {
			at := t0.Add(time.Duration(i) * time.Minute)
			d := webhook.Delivery{ID: ident.New("dlv", at), MemberID: w.host.ID, DepartmentID: w.hostDep.ID, MessageID: "obx_1", EventType: "case.created",
				URL: "https://hostA.example/hook", Attempt: i + 1, At: at, Status: 500, Error: "server error", DurationMS: 120}
			if i == 4 {
				d.Status, d.OK, d.Error = 200, true, ""
			}
			must(t, "record", s.RecordDelivery(bg, d))
			want = append([]string{d.ID}, want...)
			if i == 0 {
				wantKind(t, "record again", s.RecordDelivery(bg, d), apperr.ErrConflict)
			}
		}
		list := pages(t, "the deliveries", 2, func(limit int, cursor string) ([]webhook.Delivery, string, error) {
			return s.ListDeliveries(bg, w.host.ID, limit, cursor)
		})
		all := flat(list)
		same(t, "the deliveries, newest first", ids(all, func(d webhook.Delivery) string { return d.ID }), want)
		if !all[0].OK || all[0].Status != 200 || all[1].Error != "server error" || all[1].Attempt != 4 {
			t.Fatalf("the deliveries as recorded: %+v", all[:2])
		}
		none, next, err := s.ListDeliveries(bg, w.partner.ID, 10, "")
		if err != nil || len(none) != 0 || next != "" {
			t.Fatalf("another member's deliveries: %v %q %v", none, next, err)
		}
	})

	t.Run("a department's webhook is disabled at its version with the mail about it", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		told := mail(w.hostAdmin.Email, w.hostDep.ID, t0.Add(time.Hour))
		must(t, "disable", s.DisableWebhook(bg, w.hostDep.ID, []notify.Message{told}))
		got, err := s.GetDepartment(bg, w.hostDep.ID)
		must(t, "get", err)
		if !got.WebhookDisabled || got.Version != 2 {
			t.Fatalf("after disabling: disabled=%v version %d", got.WebhookDisabled, got.Version)
		}
		readBack(t, s, "the mail about it", []notify.Message{told}, t0.Add(time.Hour))
		evs, _, err := s.ListDepartmentEvents(bg, w.hostDep.ID, 10, "")
		must(t, "events", err)
		same(t, "the timeline", eventActions(evs), []string{"create", "webhook_disabled"})
		wantKind(t, "disable a missing department's", s.DisableWebhook(bg, ident.New(ident.Department, t0), []notify.Message{mail("x@y.example", "dep", t0)}), apperr.ErrNotFound)
	})
}

func contractMergers(t *testing.T, open func(*testing.T) Store) {
	start := func(w world, now time.Time) (merger.Merger, audit.Event) {
		m := merger.Merger{From: w.partner.ID, Into: w.host.ID, FromName: w.partner.Name, IntoName: w.host.Name, FromDomain: w.partner.Domain,
			Status: merger.Running, Actor: "ops@tandem.example", StartedAt: now}
		return m, audit.Event{ID: ident.New(ident.Event, now), At: now, Actor: m.Actor, Action: "merge", Reason: m.FromName + " is being merged into " + m.IntoName}
	}

	t.Run("a merger starts once, marks its member, and is due until it finishes", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		m, ev := start(w, t0)
		must(t, "start", s.StartMerger(bg, m, ev))
		got, err := s.GetMerger(bg, w.partner.ID)
		must(t, "get", err)
		same(t, "the merger", got, m)
		from, err := s.GetMember(bg, w.partner.ID)
		must(t, "the merged member", err)
		if from.MergedInto != w.host.ID || from.Merge != member.MergeRunning || from.Version != 2 {
			t.Fatalf("the member being merged: into %q merge %q version %d", from.MergedInto, from.Merge, from.Version)
		}
		due, _, err := s.DueMergers(bg, t0, 10)
		must(t, "due", err)
		same(t, "due", dueIDs(due), []string{w.partner.ID})

		m2, ev2 := start(w, t0.Add(time.Minute))
		wantKind(t, "start again", s.StartMerger(bg, m2, ev2), apperr.ErrConflict)
		back, evb := start(world{partner: w.host, host: w.partner}, t0.Add(time.Minute))
		wantKind(t, "merge the target into the merging member", s.StartMerger(bg, back, evb), apperr.ErrConflict)
		eng, cred := newUser(w.partner.ID, "Late", "late@partnerA.example", t0.Add(time.Minute), auth.RoleEngineer)
		wantKind(t, "a new user of the merging member", s.CreateUser(bg, eng, cred, nil, idem.None), apperr.ErrConflict)

		m.Status, m.FinishedAt = merger.Done, t0.Add(time.Hour)
		must(t, "finish", s.FinishMerger(bg, m, audit.Event{ID: ident.New(ident.Event, m.FinishedAt), At: m.FinishedAt, Actor: m.Actor, Action: "merged"}))
		wantKind(t, "finish again", s.FinishMerger(bg, m, audit.Event{ID: ident.New(ident.Event, m.FinishedAt), At: m.FinishedAt, Actor: m.Actor, Action: "merged"}), apperr.ErrConflict)
		due, _, _ = s.DueMergers(bg, t0.Add(48*time.Hour), 10)
		if len(due) != 0 {
			t.Fatalf("a finished merger is due: %+v", due)
		}
		got, _ = s.GetMerger(bg, w.partner.ID)
		if got.Status != merger.Done || !got.FinishedAt.Equal(m.FinishedAt) {
			t.Fatalf("the finished merger: %+v", got)
		}
		id, ok, _ := s.MemberIDByDomain(bg, w.partner.Domain)
		if !ok || id != w.host.ID {
			t.Fatalf("the merged member's domain names %q, want %s", id, w.host.ID)
		}
		from, _ = s.GetMember(bg, w.partner.ID)
		if from.Merge != member.MergeDone {
			t.Fatalf("the merged member: merge %q", from.Merge)
		}
	})

	t.Run("a merger counts what it moved, each object once, only while it runs", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		c, cev, _ := w.openCase("Down", t0)
		must(t, "open a case", s.CreateCase(bg, c, cev, nil, idem.None))
		eng, cred := newUser(w.partner.ID, "Eve", "eve@partnerA.example", t0, auth.RoleEngineer)
		must(t, "add a user", s.CreateUser(bg, eng, cred, nil, idem.None))
		spare := newDepartment(w.partner, "Spare desk", "spare@partnerA.example", false, t0)
		must(t, "add a department", s.CreateDepartment(bg, spare, nil, idem.None))
		m, ev := start(w, t0.Add(time.Minute))
		must(t, "start", s.StartMerger(bg, m, ev))
		now := t0.Add(2 * time.Minute)
		move := audit.Event{At: now, Actor: m.Actor, Action: "merge"}

		after := eng
		after.MemberID, after.UpdatedAt, after.Version = w.host.ID, now, eng.Version+1
		must(t, "move the user", s.MoveUser(bg, m, eng, after, move))
		wantKind(t, "move the user again", s.MoveUser(bg, m, eng, after, move), apperr.ErrConflict)
		got, err := s.GetUser(bg, w.host.ID, eng.ID)
		must(t, "the moved user", err)
		same(t, "the moved user", got, after)
		_, err = s.GetUser(bg, w.partner.ID, eng.ID)
		wantKind(t, "the user where it was", err, apperr.ErrNotFound)
		cr, _ := s.GetCredential(bg, cred.Hash)
		if cr.MemberID != w.host.ID {
			t.Fatalf("the moved user's credential is %s's", cr.MemberID)
		}

		dep := w.partnerDep
		dep.MemberID, dep.UpdatedAt, dep.Version = w.host.ID, now, dep.Version+1
		must(t, "move the department", s.MoveDepartment(bg, m, w.partnerDep, dep, move))
		wantKind(t, "move the department again", s.MoveDepartment(bg, m, w.partnerDep, dep, move), apperr.ErrConflict)

		moved := c
		moved.SubmitterMemberID, moved.SubmitterName, moved.UpdatedAt, moved.Version = w.host.ID, w.host.Name, now, c.Version+1
		must(t, "move the case", s.MoveCase(bg, m, c, moved, collab.Event{ID: ident.New(ident.Event, now), At: now, Actor: m.Actor, Action: "merge", From: c.Status, To: c.Status}))
		sent, _, err := s.ListCases(bg, collab.Outbox, w.host.ID, "", 10, "")
		must(t, "the target's outbox", err)
		same(t, "the target's outbox", caseIDs(sent), []string{c.ID})

		admin := w.partnerAdmin
		must(t, "fold the admin", s.FoldUser(bg, m, admin, w.hostAdmin, move))
		cr, _ = s.GetCredential(bg, w.partnerCred.Hash)
		if !cr.Revoked {
			t.Fatalf("the folded user's credential is not revoked")
		}
		mg, err := s.GetMerger(bg, w.partner.ID)
		must(t, "the merger", err)
		same(t, "what it moved", mg.Moved, merger.Counts{Users: 1, UsersFolded: 1, Departments: 1, Cases: 1})

		m.Status, m.FinishedAt = merger.Done, t0.Add(time.Hour)
		must(t, "finish", s.FinishMerger(bg, m, audit.Event{At: m.FinishedAt, Actor: m.Actor, Action: "merged"}))
		spareAfter := spare
		spareAfter.MemberID, spareAfter.UpdatedAt, spareAfter.Version = w.host.ID, t0.Add(2*time.Hour), spare.Version+1
		wantKind(t, "a move once it finished", s.MoveDepartment(bg, m, spare, spareAfter, move), apperr.ErrConflict)
		if d, _ := s.GetDepartment(bg, spare.ID); d.MemberID != w.partner.ID {
			t.Fatalf("the department refused a move is %s's", d.MemberID)
		}
	})

	t.Run("a member with no merger has none", func(t *testing.T) {
		s := open(t)
		_, err := s.GetMerger(bg, ident.New(ident.Member, t0))
		wantKind(t, "get", err, apperr.ErrNotFound)
	})
}

func contractBilling(t *testing.T, open func(*testing.T) Store) {
	t.Run("a host-paid program is due at each anniversary and billed once a year", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		prg := newProgram(w.host, "paid", program.HostPaid, t0)
		must(t, "create", s.CreateProgram(bg, prg, idem.None))
		first := billing.AddYears(time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), 1)
		due, _, err := s.DueBilling(bg, first.Add(-time.Second), 10)
		if err != nil || len(due) != 0 {
			t.Fatalf("due before the first anniversary: %v, %v", due, err)
		}
		due, _, err = s.DueBilling(bg, first, 10)
		must(t, "due", err)
		same(t, "due at the first anniversary", dueIDs(due), []string{prg.ID})

		inv := billing.Invoice{ID: ident.New(ident.Invoice, first), MemberID: w.host.ID, ProgramID: prg.ID, Kind: billing.HostAnnual,
			PeriodStart: billing.Date(first), PeriodEnd: billing.Date(billing.AddYears(first, 1)),
			Lines: []billing.Line{billing.NewLine("Partners, year 1", 3, 20000)}, Currency: billing.Currency, Status: billing.Open,
			IssuedAt: first, DueAt: first.Add(billing.PaymentTerms), CreatedAt: first, UpdatedAt: first, Version: 1}
		inv.TotalCents = billing.Total(inv.Lines)
		told := mail(w.host.Contacts.Billing.Email, inv.ID, first)
		must(t, "bill year 1", s.BillProgramYear(bg, prg.ID, 1, &inv, []notify.Message{told}))
		got, err := s.GetInvoice(bg, inv.ID)
		must(t, "the invoice", err)
		same(t, "the invoice", got, inv)
		readBack(t, s, "the invoice's mail", []notify.Message{told}, first)
		again := inv
		again.ID = ident.New(ident.Invoice, first)
		wantKind(t, "bill year 1 again", s.BillProgramYear(bg, prg.ID, 1, &again, nil), apperr.ErrConflict)
		wantKind(t, "bill year 3 before year 2", s.BillProgramYear(bg, prg.ID, 3, nil, nil), apperr.ErrConflict)
		p, _ := s.GetProgram(bg, prg.ID)
		if p.BilledYears != 1 {
			t.Fatalf("billed years: %d, want 1", p.BilledYears)
		}
		due, _, _ = s.DueBilling(bg, first.Add(time.Hour), 10)
		if len(due) != 0 {
			t.Fatalf("due after billing the year: %+v", due)
		}
		due, _, _ = s.DueBilling(bg, billing.AddYears(first, 1), 10)
		same(t, "due at the second anniversary", dueIDs(due), []string{prg.ID})
		must(t, "year 2 with nothing to bill", s.BillProgramYear(bg, prg.ID, 2, nil, nil))
		invs, _, err := s.ListMemberInvoices(bg, w.host.ID, 10, "")
		must(t, "the host's invoices", err)
		same(t, "the host's invoices", ids(invs, func(i billing.Invoice) string { return i.ID }), []string{inv.ID})
		evs, _, err := s.ListInvoiceEvents(bg, inv.ID, 10, "")
		must(t, "the invoice's timeline", err)
		same(t, "the invoice's timeline", eventActions(evs), []string{"issue"})
		// The world's program is member-paid: never due for host billing.
		for _, d := range due {
			if d.ID == w.prg.ID {
				t.Fatalf("a member-paid program is due for host billing")
			}
		}
	})

	t.Run("a member's invoices list newest first, a page at a time, each issued once under its key", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		su := signUp(t, s, w.prg, "pat@newco.example", t0)
		want := []string{su.Invoice.ID}
		e := su.Enrollment
		for i := 1; i <= 3; i++ {
			now := t0.Add(time.Duration(i) * time.Hour)
			c := change(e, "renew", e.Status, now)
			inv := *su.Invoice
			inv.ID, inv.Kind, inv.IssuedAt, inv.CreatedAt, inv.UpdatedAt = ident.New(ident.Invoice, now), billing.Renewal, now, now, now
			c.NewInvoice, c.InvoiceKey = &inv, "renewal#"+e.ID+"#"+string(rune('0'+i))
			must(t, "issue", s.ApplyEnrollmentChange(bg, c))
			want = append([]string{inv.ID}, want...)
			e = c.After
			if i == 3 {
				again := change(e, "renew", e.Status, now)
				dup := inv
				dup.ID = ident.New(ident.Invoice, now)
				again.NewInvoice, again.InvoiceKey = &dup, c.InvoiceKey
				wantKind(t, "issue under a used key", s.ApplyEnrollmentChange(bg, again), apperr.ErrConflict)
				_, err := s.GetInvoice(bg, dup.ID)
				wantKind(t, "the refused invoice", err, apperr.ErrNotFound)
			}
		}
		list := flat(pages(t, "the member's invoices", 3, func(limit int, cursor string) ([]billing.Invoice, string, error) {
			return s.ListMemberInvoices(bg, su.NewMember.ID, limit, cursor)
		}))
		same(t, "the member's invoices, newest first", ids(list, func(i billing.Invoice) string { return i.ID }), want)
		_, err := s.GetInvoice(bg, ident.New(ident.Invoice, t0))
		wantKind(t, "a missing invoice", err, apperr.ErrNotFound)
	})
}

func contractMarketplace(t *testing.T, open func(*testing.T) Store) {
	// The first two read back only their own configuration; the list
	// below keeps a program of its own.
	shared := shareCast(t, open)
	submit := func(w world, product string, now time.Time) (marketplace.Configuration, audit.Event) {
		c := marketplace.Configuration{ID: ident.New("cfg", now), ProgramID: w.prg.ID, HostMemberID: w.host.ID, MemberID: w.partner.ID, MemberName: w.partner.Name,
			PartnerProduct: product, PartnerVersion: "2.1", HostProduct: "Platform", HostVersions: []string{"7", "8"}, SupportURL: "https://partnerA.example/support",
			Status: marketplace.Submitted, SubmittedBy: w.partnerAdmin.ID, CreatedAt: now, UpdatedAt: now, Version: 1}
		return c, audit.Event{ID: ident.New(ident.Event, now), At: now, Actor: w.partnerAdmin.Name, Action: "submit", To: string(marketplace.Submitted)}
	}

	t.Run("a configuration reads back as written; a second create of it is refused", func(t *testing.T) {
		s, w := shared.s, shared.w
		c, ev := submit(w, "Widget", t0)
		must(t, "create", s.CreateConfiguration(bg, c, ev, nil, idem.None))
		got, err := s.GetConfiguration(bg, c.ID)
		must(t, "get", err)
		same(t, "the configuration", got, c)
		wantKind(t, "create again", s.CreateConfiguration(bg, c, ev, nil, idem.None), apperr.ErrConflict)
		_, err = s.GetConfiguration(bg, ident.New("cfg", t0))
		wantKind(t, "a missing one", err, apperr.ErrNotFound)
	})

	t.Run("a decision at a stale version is a conflict; each step's mail is written with it, a refused one's not", func(t *testing.T) {
		s, w := shared.s, shared.w
		c, ev := submit(w, "Widget", t0)
		toHost := mail(w.hostAdmin.Email, c.ID, t0)
		must(t, "create", s.CreateConfiguration(bg, c, ev, []notify.Message{toHost}, idem.None))
		readBack(t, s, "the submission's mail", []notify.Message{toHost}, t0)
		approved := c
		approved.Status, approved.DecidedAt, approved.UpdatedAt, approved.Version = marketplace.Approved, t0.Add(time.Hour), t0.Add(time.Hour), 2
		toPartner := mail(w.partnerAdmin.Email, c.ID, t0.Add(time.Hour))
		must(t, "approve", s.ApplyConfiguration(bg, c, approved, audit.Event{At: t0.Add(time.Hour), Actor: "host", Action: "approve", From: "submitted", To: "approved"}, []notify.Message{toPartner}))
		readBack(t, s, "the approval's mail", []notify.Message{toPartner}, t0.Add(time.Hour))
		rejected := c
		rejected.Status, rejected.Reason, rejected.Version = marketplace.Rejected, "no", 2
		lost := mail(w.partnerAdmin.Email, c.ID, t0.Add(2*time.Hour))
		wantKind(t, "reject at version 1", s.ApplyConfiguration(bg, c, rejected, audit.Event{At: t0.Add(2 * time.Hour), Actor: "host", Action: "reject"}, []notify.Message{lost}), apperr.ErrConflict)
		if _, _, err := s.ClaimOutbox(bg, lost.ID, t0.Add(2*time.Hour), time.Minute); err == nil {
			t.Error("the refused rejection's mail was written")
		}
		got, _ := s.GetConfiguration(bg, c.ID)
		same(t, "the configuration", got, approved)
		evs := flat(pages(t, "the configuration's timeline", 1, func(limit int, cursor string) ([]audit.Event, string, error) {
			return s.ListConfigurationEvents(bg, c.ID, limit, cursor)
		}))
		same(t, "the timeline", eventActions(evs), []string{"submit", "approve"})
	})

	t.Run("a program's configurations list newest first, by status and by member, a page at a time", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		var cs []marketplace.Configuration
		for i, product := range []string{"One", "Two", "Three", "Four"} {
			c, ev := submit(w, product, t0.Add(time.Duration(i)*time.Minute))
			if i == 3 {
				c.MemberID, c.MemberName = w.host.ID, w.host.Name
			}
			must(t, "create", s.CreateConfiguration(bg, c, ev, nil, idem.None))
			cs = append(cs, c)
		}
		approved := cs[1]
		approved.Status, approved.Version, approved.UpdatedAt, approved.DecidedAt = marketplace.Approved, 2, t0.Add(time.Hour), t0.Add(time.Hour)
		must(t, "approve", s.ApplyConfiguration(bg, cs[1], approved, audit.Event{At: t0.Add(time.Hour), Action: "approve"}, nil))
		cfgIDs := func(cs []marketplace.Configuration) []string {
			return ids(cs, func(c marketplace.Configuration) string { return c.ID })
		}
		all := flat(pages(t, "all", 3, func(limit int, cursor string) ([]marketplace.Configuration, string, error) {
			return s.ListProgramConfigurations(bg, w.prg.ID, "", "", limit, cursor)
		}))
		same(t, "all", sorted(cfgIDs(all)), sorted(cfgIDs(cs)))
		submitted := flat(pages(t, "the submitted", 1, func(limit int, cursor string) ([]marketplace.Configuration, string, error) {
			return s.ListProgramConfigurations(bg, w.prg.ID, marketplace.Submitted, "", limit, cursor)
		}))
		same(t, "the submitted, newest first", cfgIDs(submitted), []string{cs[3].ID, cs[2].ID, cs[0].ID})
		partner := flat(pages(t, "the partner's submitted", 1, func(limit int, cursor string) ([]marketplace.Configuration, string, error) {
			return s.ListProgramConfigurations(bg, w.prg.ID, marketplace.Submitted, w.partner.ID, limit, cursor)
		}))
		same(t, "the partner's submitted, newest first", cfgIDs(partner), []string{cs[2].ID, cs[0].ID})
		_, next, err := s.ListProgramConfigurations(bg, w.prg.ID, marketplace.Submitted, "", 1, "")
		must(t, "first page", err)
		_, _, err = s.ListProgramConfigurations(bg, w.prg.ID, marketplace.Submitted, w.partner.ID, 1, next)
		malformed(t, "the program's cursor on the partner's list", err)
	})
}
