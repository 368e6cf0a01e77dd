package billing

import (
	"testing"
	"time"
)

func TestAddYears(t *testing.T) {
	cases := []struct {
		in, want string
		n        int
	}{
		{"2028-02-29", "2029-02-28", 1},
		{"2028-02-29", "2032-02-29", 4},
		{"2027-01-31", "2028-01-31", 1},
		{"2026-12-31", "2027-12-31", 1},
	}
	for _, c := range cases {
		in, _ := time.Parse("2006-01-02", c.in)
		if got := Date(AddYears(in, c.n)); got != c.want {
			t.Errorf("AddYears(%s, %d) = %s, want %s", c.in, c.n, got, c.want)
		}
	}
}

func TestLines(t *testing.T) {
	l := NewLine("x", 30, 15000)
	if l.AmountCents != 450000 || Total([]Line{l, NewLine("y", 1, 5)}) != 450005 {
		t.Errorf("got %+v", l)
	}
}
