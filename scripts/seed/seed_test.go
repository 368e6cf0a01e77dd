package seed_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/scripts/seed"
	"github.com/tandemhq/tandem/shared/collab"
)

// `make run` keeps its table across restarts and seeds it each time: on a
// seeded table the seed writes nothing twice and does not fail, and the
// demo partner's place names its company and contacts (its mail went to an
// empty first address when they were left out).
func TestDemoSeedsOnlyWhatIsMissing(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	ctx := context.Background()
	a := e.App.App
	now := time.Now().UTC()
	first, err := seed.Demo(ctx, a, now)
	if err != nil {
		t.Fatalf("first seed: %v", err)
	}
	second, err := seed.Demo(ctx, a, now.Add(time.Hour))
	if err != nil {
		t.Fatalf("second seed, on the seeded table: %v", err)
	}
	if strings.Contains(first, "printed when it was made") || !strings.Contains(second, "printed when it was made") {
		t.Errorf("the first run prints the tokens it made, the second says they were printed then; got\n%s\nthen\n%s", first, second)
	}

	count := func(what string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s: got %d, want %d", what, got, want)
		}
	}
	hostID, ok, err := a.Store.MemberIDByDomain(ctx, "acme-storage.example")
	if err != nil || !ok {
		t.Fatalf("demo host: %v %v", ok, err)
	}
	partnerID, ok, err := a.Store.MemberIDByDomain(ctx, "hypervisor-co.example")
	if err != nil || !ok {
		t.Fatalf("demo partner: %v %v", ok, err)
	}
	for _, id := range []string{hostID, partnerID} {
		users, err := a.Store.ListMemberUsers(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		count("users of "+id, len(users), 1)
	}
	progs, err := a.Store.ListHostPrograms(ctx, hostID)
	if err != nil {
		t.Fatal(err)
	}
	count("the host's programs", len(progs), 1)
	deps, err := a.Store.ListMemberDepartments(ctx, hostID)
	if err != nil {
		t.Fatal(err)
	}
	count("the host's departments", len(deps), 1)
	es, err := a.Store.ListMemberEnrollments(ctx, partnerID)
	if err != nil {
		t.Fatal(err)
	}
	count("the partner's enrollments", len(es), 1)
	cases, _, err := a.Store.ListCases(ctx, collab.Outbox, partnerID, "", 10, "")
	if err != nil {
		t.Fatal(err)
	}
	count("the partner's cases", len(cases), 1)

	en := es[0]
	if en.Company.Name != "Hypervisor Co" {
		t.Errorf("the demo place's company is %q, want Hypervisor Co", en.Company.Name)
	}
	for what, addr := range map[string]string{"primary": en.Contacts.Primary.Email, "support": en.Contacts.Support.Email,
		"escalation": en.Contacts.Escalation.Email, "billing": en.Contacts.Billing.Email, "sign-up": en.Email} {
		if !strings.HasSuffix(addr, "@hypervisor-co.example") {
			t.Errorf("the demo place's %s address is %q, want one at hypervisor-co.example", what, addr)
		}
	}
}
