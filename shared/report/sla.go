// Package report computes the SLA compliance report a host reviews with
// each of its partners: per receiving member and per month, how many cases
// came in, how many were answered and how many within the response time.
package report

import (
	"math"
	"sort"
	"time"
)

// Record is what the report keeps of one case: written with the case when
// it opens and again when it is answered, escalated or closed.
type Record struct {
	CaseID           string
	ProgramID        string
	ReceiverMemberID string
	ReceiverName     string
	CreatedAt        time.Time
	ResponseDueAt    time.Time
	// RespondedAt is zero until the receiver's first response.
	RespondedAt     time.Time
	EscalationLevel int
	// ClosedAt is zero while the case is open (closed or rejected).
	ClosedAt time.Time
}

// RecordOf returns the record of a case as its fields stand; ok is false
// for a case outside any program (the report is per program).
func RecordOf(caseID, programID, receiverID, receiverName string, created, due, responded time.Time, level int, closed time.Time) (Record, bool) {
	if programID == "" {
		return Record{}, false
	}
	return Record{
		CaseID: caseID, ProgramID: programID, ReceiverMemberID: receiverID, ReceiverName: receiverName,
		CreatedAt: created, ResponseDueAt: due, RespondedAt: responded, EscalationLevel: level, ClosedAt: closed,
	}, true
}

// Responded reports whether the receiver answered.
func (r Record) Responded() bool { return !r.RespondedAt.IsZero() }

// WithinSLA reports whether the first response came at or before the due time.
func (r Record) WithinSLA() bool { return r.Responded() && !r.RespondedAt.After(r.ResponseDueAt) }

// Missed reports whether the response time ran out unanswered by now:
// the due time passed while the case was open.
func (r Record) Missed(now time.Time) bool {
	if r.Responded() {
		return !r.WithinSLA()
	}
	end := now
	if !r.ClosedAt.IsZero() && r.ClosedAt.Before(end) {
		end = r.ClosedAt
	}
	return r.ResponseDueAt.Before(end)
}

// Row is the report's figures for one receiving member, or for all.
type Row struct {
	MemberID   string `json:"memberId"`
	MemberName string `json:"memberName"`
	Cases      int    `json:"cases"`
	Responded  int    `json:"responded"`
	WithinSLA  int    `json:"withinSla"`
	// Measured counts the cases whose SLA outcome is known: answered, or
	// unanswered past their due time. Still-running clocks are not in it.
	Measured int `json:"measured"`
	// WithinSLARatio is WithinSLA / Measured; nil while nothing is measured.
	WithinSLARatio *float64 `json:"withinSlaRatio"`
	// Median and 90th percentile (nearest rank) of the time from opening
	// to the first response, over the answered cases; nil when none is.
	MedianFirstResponseSeconds *int64 `json:"medianFirstResponseSeconds"`
	P90FirstResponseSeconds    *int64 `json:"p90FirstResponseSeconds"`
	EscalatedLevel1            int    `json:"escalatedLevel1"`
	EscalatedLevel2            int    `json:"escalatedLevel2"`
	Open                       int    `json:"open"`
}

// Month is the report for the cases opened in one calendar month (UTC).
type Month struct {
	Month string `json:"month"` // 2026-03
	Rows  []Row  `json:"rows"`
	Total Row    `json:"total"`
}

// SLA is the report for one program over [From, To).
type SLA struct {
	ProgramID string
	From, To  time.Time
	// AsOf is when it was computed: the clocks still running are measured
	// against it.
	AsOf   time.Time
	Rows   []Row
	Total  Row
	Months []Month
}

// Compute builds the report from the records of the cases opened in
// [from, to); records outside it are ignored. Rows are ordered by member
// name; months run from from's month to the month before to.
func Compute(programID string, from, to, now time.Time, recs []Record) SLA {
	in := make([]Record, 0, len(recs))
	for _, r := range recs {
		if !r.CreatedAt.Before(from) && r.CreatedAt.Before(to) {
			in = append(in, r)
		}
	}
	rep := SLA{ProgramID: programID, From: from, To: to, AsOf: now}
	rep.Rows, rep.Total = rows(in, now)
	byMonth := map[string][]Record{}
	for _, r := range in {
		m := r.CreatedAt.UTC().Format("2006-01")
		byMonth[m] = append(byMonth[m], r)
	}
	for _, m := range MonthsBetween(from, to) {
		rs, total := rows(byMonth[m], now)
		rep.Months = append(rep.Months, Month{Month: m, Rows: rs, Total: total})
	}
	return rep
}

// MonthsBetween lists the calendar months (UTC, "2006-01") that [from, to)
// touches.
func MonthsBetween(from, to time.Time) []string {
	var out []string
	m := time.Date(from.UTC().Year(), from.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	for m.Before(to) {
		out = append(out, m.Format("2006-01"))
		m = m.AddDate(0, 1, 0)
	}
	return out
}

func rows(recs []Record, now time.Time) ([]Row, Row) {
	byMember := map[string][]Record{}
	for _, r := range recs {
		byMember[r.ReceiverMemberID] = append(byMember[r.ReceiverMemberID], r)
	}
	out := make([]Row, 0, len(byMember))
	for id, rs := range byMember {
		row := figures(rs, now)
		row.MemberID, row.MemberName = id, latestName(rs)
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].MemberName != out[j].MemberName {
			return out[i].MemberName < out[j].MemberName
		}
		return out[i].MemberID < out[j].MemberID
	})
	total := figures(recs, now)
	total.MemberName = "All members"
	return out, total
}

// latestName is the receiver's name on its newest case: a member renamed
// in the period shows under its current name.
func latestName(rs []Record) string {
	newest := rs[0]
	for _, r := range rs[1:] {
		if r.CreatedAt.After(newest.CreatedAt) {
			newest = r
		}
	}
	return newest.ReceiverName
}

func figures(recs []Record, now time.Time) Row {
	var row Row
	var waits []int64
	for _, r := range recs {
		row.Cases++
		if r.Responded() {
			row.Responded++
			waits = append(waits, int64(r.RespondedAt.Sub(r.CreatedAt)/time.Second))
		}
		if r.WithinSLA() {
			row.WithinSLA++
		}
		if r.Responded() || r.Missed(now) {
			row.Measured++
		}
		if r.EscalationLevel >= 1 {
			row.EscalatedLevel1++
		}
		if r.EscalationLevel >= 2 {
			row.EscalatedLevel2++
		}
		if r.ClosedAt.IsZero() {
			row.Open++
		}
	}
	if row.Measured > 0 {
		ratio := math.Round(float64(row.WithinSLA)/float64(row.Measured)*10000) / 10000
		row.WithinSLARatio = &ratio
	}
	if len(waits) > 0 {
		sort.Slice(waits, func(i, j int) bool { return waits[i] < waits[j] })
		med, p90 := nearestRank(waits, 50), nearestRank(waits, 90)
		row.MedianFirstResponseSeconds, row.P90FirstResponseSeconds = &med, &p90
	}
	return row
}

// nearestRank is the p-th percentile of sorted xs by the nearest-rank
// method: the smallest value with at least p % of the values at or below it.
func nearestRank(sorted []int64, p int) int64 {
	rank := int(math.Ceil(float64(p) / 100 * float64(len(sorted))))
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}
