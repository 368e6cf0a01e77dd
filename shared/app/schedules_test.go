package app

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/tandemhq/tandem/shared/routes"
)

// Each schedule's row names the steps its function's job runs, in the
// order it runs them: the table, not the job's code, is where a reader
// learns that the 5-minute escalation run also asks for addenda and moves
// mergers on.
func TestScheduleStepsAreTheJobs(t *testing.T) {
	// Building touches no table: a client that is never called does.
	db := dynamodb.New(dynamodb.Options{Region: "us-east-1"})
	a, err := BuildWith(Config{Table: "steps", SigningKey: []byte("0123456789abcdef0123456789abcdef")}, aws.Config{}, db)
	if err != nil {
		t.Fatal(err)
	}
	jobs := map[string]interface{ Steps() []string }{
		routes.Redrive:      a.Redrive,
		routes.Escalation:   a.Escalation,
		routes.Renewals:     a.Renewals,
		routes.Billing:      a.Billing,
		routes.Housekeeping: a.Housekeeping,
	}
	for _, s := range routes.Schedules {
		job, ok := jobs[s.Function]
		if !ok {
			t.Errorf("schedule %s: no job of function %s here; add it", s.Name, s.Function)
			continue
		}
		if got := job.Steps(); !slices.Equal(got, s.Steps) {
			t.Errorf("schedule %s: its job runs %q, the table says %q", s.Name, got, s.Steps)
		}
	}
	if len(jobs) != len(a.Jobs()) {
		t.Errorf("%d jobs here, %d in App.Jobs: a scheduled job is missing from this test", len(jobs), len(a.Jobs()))
	}
}
