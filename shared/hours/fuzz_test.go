package hours

import (
	"fmt"
	"testing"
	"time"
)

var fuzzZones = []string{"UTC", "Europe/Berlin", "Asia/Tokyo", "America/New_York", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kathmandu"}

// FuzzAdd: for any valid hours, start and duration the clock returns an
// instant no earlier than start plus the duration (working time never runs
// faster than wall time), and never panics.
func FuzzAdd(f *testing.F) {
	f.Add(uint8(1), uint8(0b0011111), uint16(8*60), uint16(18*60), int64(1795338000), uint32(4*3600))
	f.Add(uint8(2), uint8(0b0011111), uint16(21*60), uint16(5*60), int64(1795338000), uint32(7*3600))
	f.Add(uint8(1), uint8(0b1000000), uint16(22*60), uint16(6*60), int64(1774735200), uint32(9*3600))
	f.Fuzz(func(t *testing.T, zone, days uint8, start, end uint16, from int64, secs uint32) {
		h := Hours{Zone: fuzzZones[int(zone)%len(fuzzZones)], Start: clockOf(start), End: clockOf(end)}
		for i, d := range dayNames {
			if days&(1<<i) != 0 {
				h.Days = append(h.Days, d)
			}
		}
		if from < 0 || from > 1<<35 {
			from %= 1 << 35
			if from < 0 {
				from = -from
			}
		}
		at := time.Unix(from, 0)
		d := time.Duration(secs%(30*24*3600)) * time.Second
		got, err := h.Add(at, d)
		if err != nil {
			return // invalid hours (no days, empty window) are refused
		}
		if got.Sub(at) < d {
			t.Fatalf("%+v from %v for %v: got %v, earlier than wall time allows", h, at, d, got)
		}
	})
}

func clockOf(m uint16) string {
	m %= 24*60 + 1
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}
