package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/report"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/web"
)

// slaReportView is GET /v1/reports/sla's answer.
type slaReportView struct {
	ProgramID   string         `json:"programId"`
	ProgramName string         `json:"programName"`
	From        string         `json:"from"`
	To          string         `json:"to"`
	AsOf        string         `json:"asOf"`
	Rows        []report.Row   `json:"rows"`
	Total       report.Row     `json:"total"`
	Months      []report.Month `json:"months"`
}

// slaReport serves GET /v1/reports/sla: JSON, or CSV with format=csv.
func (s *Server) slaReport(ctx context.Context, r *router.Request) (*router.Response, error) {
	rep, name, csvWanted, err := s.computeSLA(ctx, r)
	if err != nil {
		return nil, err
	}
	if csvWanted {
		return slaCSV(rep, name)
	}
	return router.JSON(http.StatusOK, slaReportView{
		ProgramID: rep.ProgramID, ProgramName: name, From: rep.From.Format(time.DateOnly), To: rep.To.Format(time.DateOnly),
		AsOf: ts(rep.AsOf), Rows: rep.Rows, Total: rep.Total, Months: rep.Months,
	}), nil
}

// computeSLA reads the report's parameters (programId, from, to, format)
// and computes it; csv is true for format=csv.
func (s *Server) computeSLA(ctx context.Context, r *router.Request) (rep report.SLA, programName string, csv bool, err error) {
	q := r.Query
	switch q.Get("format") {
	case "", "json":
	case "csv":
		csv = true
	default:
		return rep, "", false, apperr.InvalidField("format", "must be json or csv")
	}
	id := q.Get("programId")
	if id == "" {
		return rep, "", false, apperr.InvalidField("programId", "required: the program to report on")
	}
	per, err := report.ParsePeriod(q.Get("from"), q.Get("to"), s.Now())
	if err != nil {
		return rep, "", false, err
	}
	rep, prg, err := s.Reports.SLA(ctx, r.Principal, id, per)
	if err != nil {
		return rep, "", false, err
	}
	return rep, prg.Name, csv, nil
}

// slaCSVHeader is the CSV's first row: the JSON row's field names.
var slaCSVHeader = []string{"memberId", "memberName", "cases", "responded", "withinSla", "measured", "withinSlaRatio",
	"medianFirstResponseSeconds", "p90FirstResponseSeconds", "escalatedLevel1", "escalatedLevel2", "open"}

// slaCSV is the report as CSV: the header, one member a row, then the
// whole program's row (memberId empty, memberName "All members").
func slaCSV(rep report.SLA, programName string) (*router.Response, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(slaCSVHeader)
	for _, row := range append(append([]report.Row{}, rep.Rows...), rep.Total) {
		_ = w.Write([]string{
			cell(row.MemberID), cell(row.MemberName), strconv.Itoa(row.Cases), strconv.Itoa(row.Responded), strconv.Itoa(row.WithinSLA),
			strconv.Itoa(row.Measured), optFloat(row.WithinSLARatio), optInt(row.MedianFirstResponseSeconds), optInt(row.P90FirstResponseSeconds),
			strconv.Itoa(row.EscalatedLevel1), strconv.Itoa(row.EscalatedLevel2), strconv.Itoa(row.Open),
		})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("sla csv: %w", err)
	}
	file := fmt.Sprintf("sla-%s-%s-%s.csv", rep.ProgramID, rep.From.Format(time.DateOnly), rep.To.Format(time.DateOnly))
	return &router.Response{Status: http.StatusOK, Body: buf.Bytes(), Headers: map[string]string{
		"content-type":        "text/csv; charset=utf-8",
		"content-disposition": `attachment; filename="` + file + `"`,
	}}, nil
}

// cell keeps a spreadsheet from reading a name as a formula (OWASP CSV
// injection): a leading = + - @ or control character gets a quote before it.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func optFloat(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

func optInt(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

// slaReportPage serves GET /reports/sla: the report with its chart, or
// with format=csv the CSV, to a host admin of the program or an operator.
func (s *Server) slaReportPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	rep, name, csvWanted, err := s.computeSLA(ctx, r)
	if err == nil && csvWanted {
		return slaCSV(rep, name)
	}
	id := r.Query.Get("programId")
	v := web.SLAReport{Nav: s.nav(ctx, r, "programs"), ProgramID: id, From: r.Query.Get("from"), To: r.Query.Get("to")}
	if err != nil {
		f, ok := refused(err)
		if !ok || f.Fields["programId"] != "" || f.Fields["format"] != "" {
			return nil, err
		}
		// A period that does not parse: the form again, once the program
		// is known to be the principal's to see.
		prg, perr := s.Programs.ForHost(ctx, r.Principal, id)
		if perr != nil {
			return nil, perr
		}
		v.ProgramName, v.Problem, v.Fields = prg.Name, "That period cannot be shown: see below.", f.Fields
		return router.Page(f.Status, web.SLAReportView(v)), nil
	}
	v.ProgramName, v.From, v.To, v.AsOf = name, rep.From.Format(time.DateOnly), rep.To.Format(time.DateOnly), rep.AsOf.UTC().Format("2 Jan 2006 15:04 UTC")
	for _, row := range rep.Rows {
		v.Rows = append(v.Rows, slaRowView(row))
	}
	v.Total = slaRowView(rep.Total)
	v.Chart = slaChart(rep)
	v.CSVURL = "/reports/sla?" + url.Values{"programId": {id}, "from": {v.From}, "to": {v.To}, "format": {"csv"}}.Encode()
	return router.Page(http.StatusOK, web.SLAReportView(v)), nil
}

func slaRowView(row report.Row) web.SLARow {
	out := web.SLARow{Member: row.MemberName, Cases: row.Cases, Responded: row.Responded, WithinSLA: row.WithinSLA, Measured: row.Measured,
		L1: row.EscalatedLevel1, L2: row.EscalatedLevel2, Open: row.Open, Ratio: "—", Median: humanSeconds(row.MedianFirstResponseSeconds), P90: humanSeconds(row.P90FirstResponseSeconds)}
	if row.WithinSLARatio != nil {
		out.Ratio = strconv.FormatFloat(*row.WithinSLARatio*100, 'f', 1, 64) + " %"
	}
	return out
}

// slaChart is the heat map: the whole program first, then the members with
// the most cases (at most web.ChartMaxRows), each across the months.
func slaChart(rep report.SLA) web.SLAChart {
	months := make([]string, len(rep.Months))
	for i, m := range rep.Months {
		months[i] = m.Month
	}
	series := func(label string, pick func(report.Month) (report.Row, bool)) web.ChartSeries {
		s := web.ChartSeries{Label: label, Measured: make([]int, len(months)), WithinSLA: make([]int, len(months))}
		for i, m := range rep.Months {
			if row, ok := pick(m); ok {
				s.Measured[i], s.WithinSLA[i] = row.Measured, row.WithinSLA
			}
		}
		return s
	}
	out := []web.ChartSeries{series(rep.Total.MemberName, func(m report.Month) (report.Row, bool) { return m.Total, true })}
	top := append([]report.Row{}, rep.Rows...)
	sort.SliceStable(top, func(i, j int) bool { return top[i].Cases > top[j].Cases })
	omitted := 0
	if len(top) > web.ChartMaxRows {
		omitted, top = len(top)-web.ChartMaxRows, top[:web.ChartMaxRows]
	}
	for _, member := range top {
		id := member.MemberID
		out = append(out, series(member.MemberName, func(m report.Month) (report.Row, bool) {
			for _, row := range m.Rows {
				if row.MemberID == id {
					return row, true
				}
			}
			return report.Row{}, false
		}))
	}
	return web.NewSLAChart(months, out, omitted)
}

// humanSeconds is a duration for people: "45 min", "3 h 20 min", "2 d 4 h".
func humanSeconds(n *int64) string {
	if n == nil {
		return "—"
	}
	d := time.Duration(*n) * time.Second
	switch {
	case d < time.Minute:
		return strconv.FormatInt(*n, 10) + " s"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h %d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
	default:
		return fmt.Sprintf("%d d %d h", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
	}
}
