package hours

import (
	"strings"
	"testing"
)

// Every zone a form offers loads with the embedded tz database (as on
// Lambda) and passes Check; the list starts with UTC, regions in order,
// each zone once.
func TestZonesLoad(t *testing.T) {
	groups := Zones()
	if groups[0].Zones[0].Name != "UTC" {
		t.Errorf("the first zone is %q, want UTC", groups[0].Zones[0].Name)
	}
	seen := map[string]bool{}
	for i, g := range groups {
		if i > 1 && strings.Compare(groups[i-1].Label, g.Label) > 0 {
			t.Errorf("region %q comes after %q", g.Label, groups[i-1].Label)
		}
		for _, z := range g.Zones {
			if seen[z.Name] {
				t.Errorf("%s is offered twice", z.Name)
			}
			seen[z.Name] = true
			if _, err := Zone(z.Name); err != nil {
				t.Errorf("%s does not load: %v", z.Name, err)
			}
			if z.Label == "" || strings.Contains(z.Label, "_") {
				t.Errorf("%s reads %q", z.Name, z.Label)
			}
		}
	}
	if len(seen) < 400 {
		t.Errorf("%d zones offered, want the tz database's ~418", len(seen))
	}
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Asia/Kolkata", "America/Argentina/Buenos_Aires", "Australia/Sydney"} {
		if !seen[name] {
			t.Errorf("%s is not offered", name)
		}
	}
}

func TestCountryZone(t *testing.T) {
	for country, want := range map[string]string{"DE": "Europe/Berlin", "fr": "Europe/Paris", "JP": "Asia/Tokyo", "ES": "Europe/Madrid", "US": "", "AU": "", "": "", "XX": ""} {
		if got := CountryZone(country); got != want {
			t.Errorf("CountryZone(%q) = %q, want %q", country, got, want)
		}
	}
	if got := placeLabel("Argentina/Buenos_Aires"); got != "Buenos Aires (Argentina)" {
		t.Errorf("placeLabel: %q", got)
	}
}
