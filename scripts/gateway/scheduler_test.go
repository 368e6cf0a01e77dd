package gateway

import "testing"

func TestCronSpec(t *testing.T) {
	cases := map[string]string{
		"rate(5 minutes)":     "@every 5m0s",
		"rate(1 minute)":      "@every 1m0s",
		"rate(1 day)":         "@every 24h0m0s",
		"cron(0 6 * * ? *)":   "0 6 * * *",
		"cron(30 2 ? * 2 *)":  "30 2 * * 1",
		"cron(15 10 1 * ? *)": "15 10 1 * *",
	}
	for in, want := range cases {
		got, err := CronSpec(in)
		if err != nil || got != want {
			t.Errorf("CronSpec(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "rate(five minutes)", "rate(5 weeks)", "cron(0 6 * *)", "every day"} {
		if _, err := CronSpec(bad); err == nil {
			t.Errorf("CronSpec(%q) accepted", bad)
		}
	}
}
