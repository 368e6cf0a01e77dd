package gateway

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/routes"
)

// Scheduler plays EventBridge Scheduler: it fires each schedule of the shared
// table at its times (UTC) and runs any schedule on demand at any instant.
type Scheduler struct {
	jobs map[string]app.Job
	log  *slog.Logger
}

// NewScheduler returns a scheduler over jobs keyed by function name.
func NewScheduler(jobs map[string]app.Job, log *slog.Logger) *Scheduler {
	return &Scheduler{jobs: jobs, log: log}
}

// Run runs schedule name with the event time at.
func (s *Scheduler) Run(ctx context.Context, name string, at time.Time) (any, error) {
	sc, ok := routes.ScheduleByName(name)
	if !ok {
		return nil, apperr.NotFound("no schedule %q", name)
	}
	job, ok := s.jobs[sc.Function]
	if !ok {
		return nil, apperr.NotFound("schedule %q has no job", name)
	}
	return job(ctx, at.UTC())
}

// Start fires every schedule on its expression until ctx ends.
func (s *Scheduler) Start(ctx context.Context) error {
	c := cron.New(cron.WithLocation(time.UTC))
	for _, sc := range routes.Schedules {
		spec, err := CronSpec(sc.Expression)
		if err != nil {
			return fmt.Errorf("schedule %s: %w", sc.Name, err)
		}
		name := sc.Name
		if _, err := c.AddFunc(spec, func() {
			at := time.Now().UTC().Truncate(time.Second)
			out, err := s.Run(ctx, name, at)
			if err != nil {
				s.log.Error("scheduled run failed", "schedule", name, "err", err)
				return
			}
			s.log.Info("scheduled run", "schedule", name, "at", at, "summary", out)
		}); err != nil {
			return fmt.Errorf("schedule %s: %w", sc.Name, err)
		}
	}
	c.Start()
	go func() { <-ctx.Done(); c.Stop() }()
	return nil
}

// CronSpec turns an EventBridge expression into a robfig/cron spec:
// rate(5 minutes) → @every 5m; cron(0 6 * * ? *) → 0 6 * * *.
func CronSpec(expr string) (string, error) {
	switch {
	case strings.HasPrefix(expr, "rate(") && strings.HasSuffix(expr, ")"):
		f := strings.Fields(expr[5 : len(expr)-1])
		if len(f) != 2 {
			return "", fmt.Errorf("bad rate expression %q", expr)
		}
		n, err := strconv.Atoi(f[0])
		if err != nil || n < 1 {
			return "", fmt.Errorf("bad rate expression %q", expr)
		}
		unit := map[string]time.Duration{"minute": time.Minute, "minutes": time.Minute, "hour": time.Hour, "hours": time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour}[f[1]]
		if unit == 0 {
			return "", fmt.Errorf("bad rate unit in %q", expr)
		}
		return "@every " + (time.Duration(n) * unit).String(), nil
	case strings.HasPrefix(expr, "cron(") && strings.HasSuffix(expr, ")"):
		f := strings.Fields(expr[5 : len(expr)-1])
		if len(f) != 6 {
			return "", fmt.Errorf("cron expression %q needs 6 fields", expr)
		}
		for i := range f[:5] {
			if f[i] == "?" {
				f[i] = "*"
			}
		}
		// EventBridge numbers weekdays 1-7 from Sunday; cron 0-6.
		if n, err := strconv.Atoi(f[4]); err == nil {
			f[4] = strconv.Itoa(n - 1)
		}
		return strings.Join(f[:5], " "), nil
	}
	return "", fmt.Errorf("unknown schedule expression %q", expr)
}
