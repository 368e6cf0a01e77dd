package hours

import (
	"slices"
	"strings"
)

// ZoneChoice is one IANA zone as a form offers it: Name is what is stored
// (Europe/Berlin), Label what people read (Berlin).
type ZoneChoice struct {
	Name, Label string
}

// ZoneGroup is the zones of one region (Europe, America…), by label.
type ZoneGroup struct {
	Label string
	Zones []ZoneChoice
}

// regionNames are the tz database's regions as a list heads them.
var regionNames = map[string]string{
	"America": "Americas", "Atlantic": "Atlantic Ocean", "Indian": "Indian Ocean", "Pacific": "Pacific Ocean",
}

// Zones are the zones people choose by place (the tz database's zone.tab),
// grouped by region in alphabetical order, each region's zones by label,
// after UTC in a group of its own. Every one loads (Zone); Check still
// decides, so a zone not listed but valid is kept.
func Zones() []ZoneGroup {
	groups := []ZoneGroup{{Label: "Coordinated Universal Time", Zones: []ZoneChoice{{Name: "UTC", Label: "UTC"}}}}
	byRegion := map[string]int{}
	for _, z := range zoneTab {
		region, place, _ := strings.Cut(z.name, "/")
		label := regionNames[region]
		if label == "" {
			label = region
		}
		i, ok := byRegion[label]
		if !ok {
			i = len(groups)
			byRegion[label] = i
			groups = append(groups, ZoneGroup{Label: label})
		}
		groups[i].Zones = append(groups[i].Zones, ZoneChoice{Name: z.name, Label: placeLabel(place)})
	}
	slices.SortStableFunc(groups[1:], func(a, b ZoneGroup) int { return strings.Compare(a.Label, b.Label) })
	for _, g := range groups {
		slices.SortStableFunc(g.Zones, func(a, b ZoneChoice) int { return strings.Compare(a.Label, b.Label) })
	}
	return groups
}

// placeLabel reads a zone's place as people write it:
// "Argentina/Buenos_Aires" is "Buenos Aires (Argentina)".
func placeLabel(place string) string {
	place = strings.ReplaceAll(place, "_", " ")
	if within, city, ok := strings.Cut(place, "/"); ok {
		return city + " (" + within + ")"
	}
	return place
}

// CountryZone is a country's zone as a form's first guess, which the
// person can change: its only zone, or the one the tz database says covers
// most of it or its mainland (DE: Europe/Berlin, ES: Europe/Madrid); ""
// when neither tells (US, AU) or the country is unknown.
func CountryZone(country string) string {
	var all, most []string
	for _, z := range zoneTab {
		if strings.EqualFold(z.country, country) {
			all = append(all, z.name)
			if n := strings.ToLower(z.note); strings.HasPrefix(n, "most") || strings.Contains(n, "mainland") {
				most = append(most, z.name)
			}
		}
	}
	switch {
	case len(all) == 1:
		return all[0]
	case len(most) == 1:
		return most[0]
	}
	return ""
}
