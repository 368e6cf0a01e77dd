package ident

import (
	"sort"
	"testing"
	"time"
)

func TestNewIsValidAndSortsByTime(t *testing.T) {
	base := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var ids []string
	for i := 0; i < 50; i++ {
		id := New(Case, base.Add(time.Duration(i)*time.Millisecond))
		if !Valid(Case, id) {
			t.Fatalf("Valid(%q) = false, want true", id)
		}
		ids = append(ids, id)
	}
	if !sort.StringsAreSorted(ids) {
		t.Errorf("ids made at increasing times are not sorted: %v", ids)
	}
}

func TestValidRejects(t *testing.T) {
	good := New(Member, time.Now())
	for _, s := range []string{"", "mem_", "cas_" + good[4:], good + "X", good[:len(good)-1] + "I", "mem_81J00000000000000000000000"} {
		if Valid(Member, s) {
			t.Errorf("Valid(%q) = true, want false", s)
		}
	}
}
