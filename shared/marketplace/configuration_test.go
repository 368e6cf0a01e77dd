package marketplace_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/marketplace"
)

// The configuration state machine: the host approves a submitted one,
// rejects a submitted one or withdraws an approval; a rejection is final
// (the partner submits a new one); nothing is approved twice.
func TestNext(t *testing.T) {
	type step struct {
		from marketplace.Status
		a    marketplace.Action
	}
	allowed := map[step]marketplace.Status{
		{marketplace.Submitted, marketplace.Approve}: marketplace.Approved,
		{marketplace.Submitted, marketplace.Reject}:  marketplace.Rejected,
		{marketplace.Approved, marketplace.Reject}:   marketplace.Rejected,
	}
	for _, from := range []marketplace.Status{marketplace.Submitted, marketplace.Approved, marketplace.Rejected} {
		for _, a := range []marketplace.Action{marketplace.Submit, marketplace.Approve, marketplace.Reject, "withdraw"} {
			got, err := marketplace.Next(from, a)
			if want, ok := allowed[step{from, a}]; ok {
				if err != nil || got != want {
					t.Errorf("Next(%s, %s) = %s, %v; want %s", from, a, got, err, want)
				}
				continue
			}
			var se *apperr.StateError
			if !errors.As(err, &se) || !errors.Is(err, apperr.ErrConflict) || got != from {
				t.Errorf("Next(%s, %s) = %s, %v; want a 409 that leaves it %s", from, a, got, err, from)
			}
		}
	}
}

// The statuses a list may be filtered by.
func TestStatusValid(t *testing.T) {
	for s, want := range map[marketplace.Status]bool{
		marketplace.Submitted: true, marketplace.Approved: true, marketplace.Rejected: true,
		"": false, "Approved": false, "withdrawn": false,
	} {
		if got := s.Valid(); got != want {
			t.Errorf("Status(%q).Valid() = %v, want %v", s, got, want)
		}
	}
}

func valid() marketplace.Input {
	return marketplace.Input{PartnerProduct: "Backup Pro", PartnerVersion: "4.1", HostProduct: "Array 9000",
		HostVersions: []string{"9.2", "9.3"}, SupportURL: "https://partner.example/support"}
}

// What a submission must hold, each refusal naming its field.
func TestInputCheckRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*marketplace.Input)
		field string
	}{
		{"no partner product", func(in *marketplace.Input) { in.PartnerProduct = " " }, "partnerProduct"},
		{"partner product over 120 characters", func(in *marketplace.Input) { in.PartnerProduct = strings.Repeat("p", 121) }, "partnerProduct"},
		{"no partner version", func(in *marketplace.Input) { in.PartnerVersion = "" }, "partnerVersion"},
		{"partner version over 40 characters", func(in *marketplace.Input) { in.PartnerVersion = strings.Repeat("1", 41) }, "partnerVersion"},
		{"no host product", func(in *marketplace.Input) { in.HostProduct = "" }, "hostProduct"},
		{"no host version", func(in *marketplace.Input) { in.HostVersions = nil }, "hostVersions"},
		{"a blank host version", func(in *marketplace.Input) { in.HostVersions = []string{"9.2", "  "} }, "hostVersions.1"},
		{"a host version over 40 characters", func(in *marketplace.Input) { in.HostVersions = []string{strings.Repeat("9", 41)} }, "hostVersions.0"},
		{"more than 30 host versions", func(in *marketplace.Input) {
			in.HostVersions = nil
			for i := range 31 {
				in.HostVersions = append(in.HostVersions, "9."+strings.Repeat("1", i+1))
			}
		}, "hostVersions"},
		{"notes over 4000 characters", func(in *marketplace.Input) { in.Notes = strings.Repeat("n", 4001) }, "notes"},
		{"no support URL", func(in *marketplace.Input) { in.SupportURL = "" }, "supportUrl"},
		{"a support URL that is not https", func(in *marketplace.Input) { in.SupportURL = "http://partner.example" }, "supportUrl"},
		{"a relative support URL", func(in *marketplace.Input) { in.SupportURL = "/support" }, "supportUrl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := valid()
			tc.edit(&in)
			_, err := in.Check()
			var ae *apperr.Error
			if !errors.As(err, &ae) || !errors.Is(err, apperr.ErrInvalid) || ae.Fields[tc.field] == "" {
				t.Fatalf("got %v, want a 422 naming %s", err, tc.field)
			}
		})
	}
}

// An accepted submission comes back trimmed, its host versions without
// repeats (whatever their case), in the order given.
func TestInputCheckNormalises(t *testing.T) {
	in := valid()
	in.PartnerProduct, in.Notes = "  Backup Pro ", "  tested nightly  "
	in.HostVersions = []string{" 9.2", "9.3", "9.2 ", "9.3-RC", "9.3-rc"}
	out, err := in.Check()
	if err != nil {
		t.Fatal(err)
	}
	if out.PartnerProduct != "Backup Pro" || out.Notes != "tested nightly" {
		t.Errorf("not trimmed: %+v", out)
	}
	if want := []string{"9.2", "9.3", "9.3-RC"}; !reflect.DeepEqual(out.HostVersions, want) {
		t.Errorf("host versions %q, want %q", out.HostVersions, want)
	}
	in = valid()
	in.Notes = ""
	if _, err := in.Check(); err != nil {
		t.Errorf("notes are optional: %v", err)
	}
}

// The marketplace search: a product matches part of either product's
// name, in any case; a version matches either side's version exactly or
// as a leading part up to a dot ("9" finds 9.2, not 90).
func TestMatches(t *testing.T) {
	c := marketplace.Configuration{PartnerProduct: "Backup Pro", PartnerVersion: "4.1", HostProduct: "Array 9000", HostVersions: []string{"9.2", "10.0.1"}}
	for _, tc := range []struct {
		name, product, version string
		want                   bool
	}{
		{"no search lists everything", "", "", true},
		{"part of the partner's product", "backup", "", true},
		{"part of the host's product, any case", "ARRAY", "", true},
		{"a product neither side has", "Tape", "", false},
		{"the partner's version exactly", "", "4.1", true},
		{"a host version exactly", "", "9.2", true},
		{"a major version finds its minors", "", "9", true},
		{"a minor version finds its patches", "", "10.0", true},
		{"a version prefix is not a number prefix", "", "1", false},
		{"a version neither side has", "", "9.4", false},
		{"a longer version than any", "", "9.2.1", false},
		{"product and version must both match", "backup", "8", false},
		{"spaces around the search do not count", "  backup ", " 4 ", true},
	} {
		if got := c.Matches(tc.product, tc.version); got != tc.want {
			t.Errorf("%s: Matches(%q, %q) = %v, want %v", tc.name, tc.product, tc.version, got, tc.want)
		}
	}
}

// The marketplace's order: by partner, then product, then version.
func TestSortListings(t *testing.T) {
	cs := []marketplace.Configuration{
		{ID: "5", MemberName: "Zeta", PartnerProduct: "A", PartnerVersion: "1"},
		{ID: "3", MemberName: "Acme", PartnerProduct: "Backup", PartnerVersion: "2"},
		{ID: "1", MemberName: "Acme", PartnerProduct: "Archive", PartnerVersion: "9"},
		{ID: "2", MemberName: "Acme", PartnerProduct: "Backup", PartnerVersion: "1"},
		{ID: "4", MemberName: "Beta", PartnerProduct: "A", PartnerVersion: "1"},
	}
	marketplace.SortListings(cs)
	var got []string
	for _, c := range cs {
		got = append(got, c.ID)
	}
	if want := []string{"1", "2", "3", "4", "5"}; !reflect.DeepEqual(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}
