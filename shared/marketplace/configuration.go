// Package marketplace keeps the configurations partners have validated
// with their host's products: a partner submits one, the host approves or
// rejects it, and approved ones of active partners are listed on the
// program's public marketplace page.
package marketplace

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/input"
)

// Status is where a configuration stands.
type Status string

// Statuses. A rejected configuration stays rejected: the partner submits
// a new one.
const (
	Submitted Status = "submitted"
	Approved  Status = "approved"
	Rejected  Status = "rejected"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == Submitted || s == Approved || s == Rejected }

// Action is what was done to a configuration (its timeline).
type Action string

// Actions.
const (
	Submit  Action = "submit"
	Approve Action = "approve"
	Reject  Action = "reject"
)

// Next is the state machine: approve from submitted; reject from submitted,
// or from approved (the host withdraws its approval).
func Next(s Status, a Action) (Status, error) {
	switch {
	case a == Approve && s == Submitted:
		return Approved, nil
	case a == Reject && (s == Submitted || s == Approved):
		return Rejected, nil
	}
	return s, &apperr.StateError{Object: "the configuration", Action: string(a), Current: string(s)}
}

// Configuration is one combination of a partner's product version with
// versions of the host's product that the partner has tested.
type Configuration struct {
	ID             string
	ProgramID      string
	HostMemberID   string
	MemberID       string
	MemberName     string
	PartnerProduct string
	PartnerVersion string
	HostProduct    string
	HostVersions   []string
	Notes          string
	SupportURL     string
	Status         Status
	// Reason is the host's, when it rejected.
	Reason      string
	SubmittedBy string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	DecidedAt   time.Time
	Version     int
}

// Input is a submission.
type Input struct {
	PartnerProduct string   `json:"partnerProduct"`
	PartnerVersion string   `json:"partnerVersion"`
	HostProduct    string   `json:"hostProduct"`
	HostVersions   []string `json:"hostVersions"`
	Notes          string   `json:"notes"`
	SupportURL     string   `json:"supportUrl"`
}

// Limits of a submission.
const (
	maxName     = 120
	maxVersion  = 40
	maxVersions = 30
	maxNotes    = 4000
)

// Check validates in and returns it normalised (trimmed, host versions
// without repeats, in the order given).
func (in Input) Check() (Input, error) {
	f := apperr.Fields{}
	out := Input{
		PartnerProduct: input.Text(f, "partnerProduct", in.PartnerProduct, maxName),
		PartnerVersion: input.Text(f, "partnerVersion", in.PartnerVersion, maxVersion),
		HostProduct:    input.Text(f, "hostProduct", in.HostProduct, maxName),
		Notes:          input.OptionalText(f, "notes", in.Notes, maxNotes),
		SupportURL:     input.URL(f, "supportUrl", in.SupportURL, true),
	}
	seen := map[string]bool{}
	for i, v := range in.HostVersions {
		v = input.Text(f, "hostVersions."+strconv.Itoa(i), v, maxVersion)
		if v != "" && !seen[strings.ToLower(v)] {
			seen[strings.ToLower(v)] = true
			out.HostVersions = append(out.HostVersions, v)
		}
	}
	switch {
	case len(in.HostVersions) == 0:
		f.Add("hostVersions", "list at least one version of the host's product you tested with")
	case len(in.HostVersions) > maxVersions:
		f.Add("hostVersions", "at most "+strconv.Itoa(maxVersions)+" versions")
	}
	return out, f.Err()
}

// Matches reports whether c fits a marketplace search: product matches
// either product's name (case-insensitive, part of it), version either
// side's version (exactly, or as a prefix: "9" finds 9.2 and 9.3).
func (c Configuration) Matches(product, version string) bool {
	product, version = strings.ToLower(strings.TrimSpace(product)), strings.ToLower(strings.TrimSpace(version))
	if product != "" && !strings.Contains(strings.ToLower(c.PartnerProduct), product) && !strings.Contains(strings.ToLower(c.HostProduct), product) {
		return false
	}
	if version == "" {
		return true
	}
	for _, v := range append([]string{c.PartnerVersion}, c.HostVersions...) {
		v = strings.ToLower(v)
		if v == version || strings.HasPrefix(v, version+".") {
			return true
		}
	}
	return false
}

// SortListings orders the marketplace: by partner, then product and version.
func SortListings(cs []Configuration) {
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.MemberName != b.MemberName {
			return a.MemberName < b.MemberName
		}
		if a.PartnerProduct != b.PartnerProduct {
			return a.PartnerProduct < b.PartnerProduct
		}
		return a.PartnerVersion < b.PartnerVersion
	})
}
