package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/store"
	"github.com/tandemhq/tandem/shared/store/storetest"
)

// A table an older Tandem wrote, before the operators' index existed, has
// no item in it: the backfill puts the waiting cases and sign-ups there
// (and only those), and a second run finds nothing to do.
func TestBackfillOpsIndex(t *testing.T) {
	db := storetest.Client(t)
	table := storetest.NewTable(t, db)
	s := store.New(db, table, storetest.Keys)
	ctx := context.Background()
	newCase := func(at time.Time, status collab.Status, responded time.Time) collab.Case {
		return collab.Case{ID: ident.New(ident.Case, at), ProgramID: "prg_x", ProgramName: "P", ProgramType: program.PartnerProgram,
			SubmitterMemberID: "mem_s", SubmitterName: "S", SubmitterEmail: "s@s.example", ReceiverMemberID: "mem_r", ReceiverName: "R",
			DepartmentID: "dep_r", DepartmentName: "D", Priority: program.High, Summary: "s", Description: "d", Status: status,
			SLA: 2 * time.Hour, ResponseDueAt: at.Add(2 * time.Hour), Level2DueAt: at.Add(4 * time.Hour), RespondedAt: responded,
			CreatedAt: at, UpdatedAt: at, Version: 1}
	}
	newSignup := func(at time.Time, status enrollment.Status) enrollment.Enrollment {
		return enrollment.Enrollment{ID: ident.New(ident.Enrollment, at), ProgramID: "prg_x", MemberID: ident.New(ident.Member, at),
			MemberName: "M", HostMemberID: "mem_r", Status: status, Email: "m@m.example", CreatedAt: at, UpdatedAt: at, Version: 1}
	}
	waiting := newCase(t0, collab.Open, time.Time{})
	answered := newCase(t0.Add(time.Minute), collab.Accepted, t0.Add(time.Hour))
	pending := newSignup(t0, enrollment.PendingApproval)
	active := newSignup(t0.Add(time.Minute), enrollment.Active)
	unpaid := newSignup(t0.Add(2*time.Minute), enrollment.AwaitingPayment)
	if err := s.Seed().Cases(ctx, []collab.Case{waiting, answered}); err != nil {
		t.Fatal(err)
	}
	if err := s.Seed().Enrollments(ctx, []enrollment.Enrollment{pending, active, unpaid}); err != nil {
		t.Fatal(err)
	}
	newInvoice := func(at time.Time, status billing.Status) billing.Invoice {
		return billing.Invoice{ID: ident.New(ident.Invoice, at), MemberID: unpaid.MemberID, ProgramID: "prg_x", EnrollmentID: unpaid.ID,
			Kind: billing.Membership, Lines: []billing.Line{billing.NewLine("Membership", 1, 50000)}, TotalCents: 50000, Currency: billing.Currency,
			Status: status, IssuedAt: at, DueAt: at.Add(time.Hour), CreatedAt: at, UpdatedAt: at, Version: 1}
	}
	open, settled := newInvoice(t0, billing.Open), newInvoice(t0.Add(time.Minute), billing.Paid)
	for _, inv := range []billing.Invoice{open, settled} {
		if err := s.ApplyEnrollmentChange(ctx, enrollment.Change{NewInvoice: &inv, InvoiceKey: "test#" + inv.ID}); err != nil {
			t.Fatal(err)
		}
	}
	// As an older Tandem left them: nothing in the operators' index.
	out, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table), FilterExpression: aws.String("attribute_exists(OpsPK)")})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range out.Items {
		if _, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table),
			Key: map[string]types.AttributeValue{"PK": it["PK"], "SK": it["SK"]}, UpdateExpression: aws.String("REMOVE OpsPK, OpsSK")}); err != nil {
			t.Fatal(err)
		}
	}
	now := t0.Add(24 * time.Hour)
	watched := func() (cases []string, signups []string) {
		t.Helper()
		cs, _, err := s.StaleCases(ctx, now, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			cases = append(cases, c.ID)
		}
		es, _, err := s.WaitingSignups(ctx, now, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			signups = append(signups, e.ID)
		}
		return cases, signups
	}
	unpaidSeen := func() (enrollments, invoices int) {
		t.Helper()
		es, _, err := s.AwaitingPayment(ctx, now, 10)
		if err != nil {
			t.Fatal(err)
		}
		invs, _, err := s.OverdueInvoices(ctx, now, 10)
		if err != nil {
			t.Fatal(err)
		}
		return len(es), len(invs)
	}
	if cs, es := watched(); len(out.Items) != 4 || len(cs) != 0 || len(es) != 0 {
		t.Fatalf("before: %d items in the index stripped (want 4), operators see cases %v and sign-ups %v (want none)", len(out.Items), cs, es)
	}
	if ne, ni := unpaidSeen(); ne != 0 || ni != 0 {
		t.Fatalf("before: operators see %d enrollments awaiting payment and %d overdue invoices, want none", ne, ni)
	}
	sum, err := s.Backfill(ctx, 2)
	if err != nil || sum.Ops != 4 || sum.Cases != 2 || sum.Refs != 2 {
		t.Fatalf("backfill: %+v %v; want 2 cases read, 4 put in the operators' index, 2 given references", sum, err)
	}
	if ne, ni := unpaidSeen(); ne != 1 || ni != 1 {
		t.Errorf("after: operators see %d enrollments awaiting payment and %d overdue invoices, want 1 and 1", ne, ni)
	}
	// Cases opened before references have one now, found by it, at their
	// next version (a step from an older read is stale and reads again).
	for _, c := range []collab.Case{waiting, answered} {
		got, err := s.GetCase(ctx, c.ID)
		if err != nil || got.Ref == "" || got.Version != c.Version+1 {
			t.Fatalf("case %s after the backfill: ref %q at version %d (%v), want a reference at version %d", c.ID, got.Ref, got.Version, err, c.Version+1)
		}
		if id, err := s.CaseByRef(ctx, got.Ref); err != nil || id != c.ID {
			t.Errorf("case by reference %s: %q %v, want %s", got.Ref, id, err, c.ID)
		}
	}
	if cs, es := watched(); len(cs) != 1 || cs[0] != waiting.ID || len(es) != 1 || es[0] != pending.ID {
		t.Errorf("after: operators see cases %v and sign-ups %v, want [%s] and [%s]", cs, es, waiting.ID, pending.ID)
	}
	again, err := s.Backfill(ctx, 2)
	if err != nil || again.Ops != 0 || again.Written != 0 || again.Refs != 0 {
		t.Errorf("a second backfill: %+v %v, want nothing written", again, err)
	}
}

// A table an older Tandem wrote has no queue or search entries: the
// backfill writes every case's, and a second run finds nothing to do.
func TestBackfillQueue(t *testing.T) {
	db := storetest.Client(t)
	table := storetest.NewTable(t, db)
	s := store.New(db, table, storetest.Keys)
	ctx := context.Background()
	var cs []collab.Case
	for i, st := range []collab.Status{collab.Open, collab.Closed} {
		at := t0.Add(time.Duration(i) * time.Minute)
		cs = append(cs, collab.Case{ID: ident.New(ident.Case, at), Ref: collab.NewRef(), ProgramID: "prg_x", ProgramName: "P", ProgramType: program.PartnerProgram,
			SubmitterMemberID: "mem_s", SubmitterName: "S", SubmitterEmail: "s@s.example", ReceiverMemberID: "mem_r", ReceiverName: "R",
			DepartmentID: "dep_r", DepartmentName: "D", Priority: program.High, Summary: "Snapshots stall", Description: "d", Status: st,
			SLA: 2 * time.Hour, ResponseDueAt: at.Add(2 * time.Hour), Level2DueAt: at.Add(4 * time.Hour), CreatedAt: at, UpdatedAt: at, Version: 1})
	}
	if err := s.Seed().Cases(ctx, cs); err != nil {
		t.Fatal(err)
	}
	out, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table), FilterExpression: aws.String("#t IN (:q, :s)"),
		ExpressionAttributeNames:  map[string]string{"#t": "type"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":q": &types.AttributeValueMemberS{Value: "case_queue"}, ":s": &types.AttributeValueMemberS{Value: "case_search"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range out.Items {
		if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: map[string]types.AttributeValue{"PK": it["PK"], "SK": it["SK"]}}); err != nil {
			t.Fatal(err)
		}
	}
	all := func() int {
		t.Helper()
		got, _, err := s.ListQueue(ctx, collab.QueueList{MemberID: "mem_r", List: collab.QueueAll}, 10, "")
		if err != nil {
			t.Fatal(err)
		}
		found, _, err := s.SearchCases(ctx, "mem_s", "", "snap", 10, "")
		if err != nil || len(found) != len(got) {
			t.Fatalf("the search finds %d cases (%v), the list %d", len(found), err, len(got))
		}
		return len(got)
	}
	if n := all(); len(out.Items) == 0 || n != 0 {
		t.Fatalf("before: %d entries stripped, %d cases listed (want none)", len(out.Items), n)
	}
	sum, err := s.Backfill(ctx, 2)
	if err != nil || sum.Queued != 2 {
		t.Fatalf("backfill: %+v %v; want 2 cases queued", sum, err)
	}
	if n := all(); n != 2 {
		t.Errorf("after: %d cases listed, want 2", n)
	}
	if again, err := s.Backfill(ctx, 2); err != nil || again.Queued != 0 {
		t.Errorf("a second backfill: %+v %v, want nothing queued", again, err)
	}
}

// Entries an older Tandem wrote carry no row: a page of rows reads those
// cases whole meanwhile (the same rows, one round trip more), and the
// backfill gives every entry its row; a second run finds nothing to do.
func TestBackfillQueueRows(t *testing.T) {
	db := storetest.Client(t)
	table := storetest.NewTable(t, db)
	s := store.New(db, table, storetest.Keys)
	ctx := context.Background()
	var cs []collab.Case
	for i, st := range []collab.Status{collab.Open, collab.Closed} {
		at := t0.Add(time.Duration(i) * time.Minute)
		cs = append(cs, collab.Case{ID: ident.New(ident.Case, at), Ref: collab.NewRef(), ProgramID: "prg_x", ProgramName: "P", ProgramType: program.PartnerProgram,
			SubmitterMemberID: "mem_s", SubmitterName: "S", SubmitterEmail: "s@s.example", ReceiverMemberID: "mem_r", ReceiverName: "R",
			DepartmentID: "dep_r", DepartmentName: "D", Priority: program.High, Summary: "Snapshots stall", Description: "d", Status: st,
			ReceiverAssignee: &collab.Assignee{UserID: "usr_r", Name: "Rita"},
			SLA:              2 * time.Hour, ResponseDueAt: at.Add(2 * time.Hour), Level2DueAt: at.Add(4 * time.Hour), CreatedAt: at, UpdatedAt: at, Version: 1})
	}
	if err := s.Seed().Cases(ctx, cs); err != nil {
		t.Fatal(err)
	}
	out, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table), FilterExpression: aws.String("attribute_exists(#row)"),
		ExpressionAttributeNames: map[string]string{"#row": "row"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range out.Items {
		if _, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table),
			Key: map[string]types.AttributeValue{"PK": it["PK"], "SK": it["SK"]}, UpdateExpression: aws.String("REMOVE #row"),
			ExpressionAttributeNames: map[string]string{"#row": "row"}}); err != nil {
			t.Fatal(err)
		}
	}
	want := []collab.Case{cs[1].Row(collab.Receiver), cs[0].Row(collab.Receiver)}
	rows := func(when string, trips int) {
		t.Helper()
		var m store.Meter
		got, _, err := s.ListQueueRows(store.WithMeter(ctx, &m), collab.QueueList{MemberID: "mem_r", List: collab.QueueAll}, 10, "")
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the host's rows %+v %v, want %+v", when, got, err, want)
		}
		if m.Trips() != trips {
			t.Errorf("%s: %d round trips, want %d", when, m.Trips(), trips)
		}
		found, _, err := s.SearchCaseRows(ctx, "mem_r", "", "snap", 10, "")
		if err != nil || !reflect.DeepEqual(found, want) {
			t.Errorf("%s: the host's search %+v %v, want %+v", when, found, err, want)
		}
	}
	if len(out.Items) == 0 {
		t.Fatal("no entry carried a row")
	}
	rows("before the backfill", 2)
	sum, err := s.Backfill(ctx, 2)
	if err != nil || sum.Queued != 2 {
		t.Fatalf("backfill: %+v %v; want 2 cases queued", sum, err)
	}
	rows("after", 1)
	if again, err := s.Backfill(ctx, 2); err != nil || again.Queued != 0 {
		t.Errorf("a second backfill: %+v %v, want nothing queued", again, err)
	}
}
