package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/program"
)

// TestSLABackfill: cases opened before the report existed have no record;
// the backfill writes one each (and nothing for cases outside programs),
// the report then counts them, and a second run changes nothing.
func TestSLABackfill(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Backfill Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, _ := e2etest.Onboard(t, e, h, "Backfill Partner")
	opened := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	var old []collab.Case
	for i := 0; i < 30; i++ {
		at := opened.Add(time.Duration(i) * time.Hour)
		c := collab.Case{ID: ident.New(ident.Case, at), ProgramID: h.ProgramID, ProgramName: "P", ProgramType: program.PartnerProgram,
			SubmitterMemberID: p.MemberID, SubmitterName: "S", SubmitterEmail: p.Email, ReceiverMemberID: h.MemberID, ReceiverName: "Backfill Host",
			DepartmentID: dep, DepartmentName: "D", Priority: program.High, Summary: "s", Description: "d", Status: collab.Accepted,
			SLA: 2 * time.Hour, ResponseDueAt: at.Add(2 * time.Hour), Level2DueAt: at.Add(4 * time.Hour), RespondedAt: at.Add(time.Duration(i%4) * time.Hour),
			CreatedAt: at, UpdatedAt: at, Version: 2}
		if i == 29 {
			c.ProgramID = "" // a case between members outside any program
		}
		old = append(old, c)
	}
	if err := e.App.Store.Seed().Cases(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	q := "/v1/reports/sla?programId=" + h.ProgramID + "&from=2026-03-01&to=2026-04-01"
	if tot := e2etest.Expect(t, e.Do("GET", q, h.Admin, nil), 200, "before").JSON()["total"].(map[string]any); tot["cases"].(float64) != 0 {
		t.Fatalf("before the backfill the report counts %v cases", tot["cases"])
	}
	sum, err := e.App.Store.Backfill(context.Background(), 3)
	if err != nil || sum.Written != 29 || sum.Outside != 1 || sum.Present != 0 {
		t.Fatalf("backfill: %+v %v", sum, err)
	}
	// Answered after 0, 1, 2, 3 h in turn against a 2 h SLA: 3 of 4 within.
	tot := e2etest.Expect(t, e.Do("GET", q, h.Admin, nil), 200, "after").JSON()["total"].(map[string]any)
	if tot["cases"].(float64) != 29 || tot["withinSla"].(float64) != 22 || tot["responded"].(float64) != 29 {
		t.Errorf("after the backfill: %v", tot)
	}
	again, err := e.App.Store.Backfill(context.Background(), 2)
	if err != nil || again.Written != 0 || again.Present != 29 {
		t.Errorf("a second backfill: %+v %v", again, err)
	}
}
