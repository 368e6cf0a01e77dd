package e2etest

import (
	"fmt"
	"testing"
	"time"

	"github.com/tandemhq/tandem/scripts/localtest"
)

// RunSchedule runs the schedule name as if it were at, through the local
// gateway's /_local/schedules, and returns the run's summary.
func RunSchedule(t *testing.T, e *localtest.Env, name string, at time.Time) map[string]any {
	t.Helper()
	res := Expect(t, e.Do("POST", "/_local/schedules/"+name+"?at="+at.UTC().Format(time.RFC3339), "", nil, "Content-Type", "application/json"), 200, fmt.Sprintf("run %s at %s", name, at))
	sum, _ := res.JSON()["summary"].(map[string]any)
	return sum
}

// Num is the number at k in a JSON object (a schedule's summary), 0 when
// there is none.
func Num(m map[string]any, k string) int {
	f, _ := m[k].(float64)
	return int(f)
}
