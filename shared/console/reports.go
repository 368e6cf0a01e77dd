package console

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/shared/report"
	"github.com/tandemhq/tandem/shared/router"
)

// slaReportPage serves GET /reports/sla: the report with its chart, or
// with format=csv the CSV, to a host admin of the program or an operator.
func (s *Server) slaReportPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	id := r.Query.Get("programId")
	format, err := report.ParseFormat(r.Query.Get("format"))
	if err != nil {
		return nil, err
	}
	rep, prg, err := s.Reports.ForProgram(ctx, r.Principal, id, r.Query.Get("from"), r.Query.Get("to"))
	if err == nil && format == report.CSV {
		b, err := rep.CSV()
		if err != nil {
			return nil, err
		}
		return router.Download("text/csv; charset=utf-8", rep.CSVName(), b), nil
	}
	name := prg.Name
	v := slaReport{Nav: s.nav(r, "programs"), ProgramID: id, From: r.Query.Get("from"), To: r.Query.Get("to")}
	if err != nil {
		f, ok := refused(err)
		if !ok || f.Fields["programId"] != "" {
			return nil, err
		}
		// A period that does not parse: the form again, once the program
		// is known to be the principal's to see.
		prg, perr := s.Programs.ForHost(ctx, r.Principal, id)
		if perr != nil {
			return nil, perr
		}
		v.ProgramName, v.Problem, v.Fields = prg.Name, "That period cannot be shown: see below.", f.Fields
		return router.Page(f.Status, slaReportView(v)), nil
	}
	v.ProgramName, v.From, v.To, v.AsOf = name, rep.From.Format(time.DateOnly), rep.To.Format(time.DateOnly), rep.AsOf.UTC().Format("2 Jan 2006 15:04 UTC")
	for _, row := range rep.Rows {
		v.Rows = append(v.Rows, slaRowView(row))
	}
	v.Total = slaRowView(rep.Total)
	v.Chart = slaChart(rep)
	v.CSVURL = "/reports/sla?" + url.Values{"programId": {id}, "from": {v.From}, "to": {v.To}, "format": {"csv"}}.Encode()
	return router.Page(http.StatusOK, slaReportView(v)), nil
}

func slaRowView(row report.Row) slaRowData {
	out := slaRowData{Member: row.MemberName, Cases: row.Cases, Responded: row.Responded, WithinSLA: row.WithinSLA, Measured: row.Measured,
		L1: row.EscalatedLevel1, L2: row.EscalatedLevel2, Open: row.Open, Ratio: "—", Median: humanSeconds(row.MedianFirstResponseSeconds), P90: humanSeconds(row.P90FirstResponseSeconds)}
	if row.WithinSLARatio != nil {
		out.Ratio = strconv.FormatFloat(*row.WithinSLARatio*100, 'f', 1, 64) + " %"
	}
	return out
}

// slaChart is the heat map: the whole program first, then the members with
// the most cases (at most chartMaxRows), each across the months.
func slaChart(rep report.SLA) slaChartData {
	months := make([]string, len(rep.Months))
	for i, m := range rep.Months {
		months[i] = m.Month
	}
	series := func(label string, pick func(report.Month) (report.Row, bool)) chartSeries {
		s := chartSeries{Label: label, Measured: make([]int, len(months)), WithinSLA: make([]int, len(months))}
		for i, m := range rep.Months {
			if row, ok := pick(m); ok {
				s.Measured[i], s.WithinSLA[i] = row.Measured, row.WithinSLA
			}
		}
		return s
	}
	out := []chartSeries{series(rep.Total.MemberName, func(m report.Month) (report.Row, bool) { return m.Total, true })}
	top := append([]report.Row{}, rep.Rows...)
	sort.SliceStable(top, func(i, j int) bool { return top[i].Cases > top[j].Cases })
	omitted := 0
	if len(top) > chartMaxRows {
		omitted, top = len(top)-chartMaxRows, top[:chartMaxRows]
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
	return newSLAChart(months, out, omitted)
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

// slaReport is the SLA compliance report page of one program.
type slaReport struct {
	Nav                    nav
	ProgramID, ProgramName string
	// From and To are the period as the form shows it (To not counted).
	From, To string
	// Problem and Fields say what is wrong with the period asked for.
	Problem string
	Fields  map[string]string
	AsOf    string
	Rows    []slaRowData
	Total   slaRowData
	Chart   slaChartData
	CSVURL  string
}

// slaRowData is one receiving member's line of the report, formatted.
type slaRowData struct {
	Member                                        string
	Cases, Responded, WithinSLA, Measured, L1, L2 int
	Open                                          int
	Ratio, Median, P90                            string
}

// slaChartData is the within-SLA ratio per member (rows) and month (columns)
// as an SVG heat map: every cell carries its percentage as text, so the
// colour is never the only cue.
type slaChartData struct {
	Width, Height int
	Columns       []chartLabel
	Rows          []chartRow
	// Omitted counts members left out of the chart (the table has them).
	Omitted int
}

// chartLabel is a column heading.
type chartLabel struct {
	X    int
	Text string
}

// chartRow is one member's row of cells.
type chartRow struct {
	Y     int
	Label string
	Cells []chartCell
}

// chartCell is one month of one member.
type chartCell struct {
	X, Y, W, H   int
	Fill, Text   string
	TextX, TextY int
	// Title is the cell's tooltip and accessible description.
	Title string
}

// chartSeries is one chart row's source: a label and, per column, the
// number of measured cases and of those within SLA.
type chartSeries struct {
	Label               string
	Measured, WithinSLA []int
}

// newSLAChart lays out the heat map of series over months.
func newSLAChart(months []string, series []chartSeries, omitted int) slaChartData {
	c := slaChartData{
		Width:   chartLabelWidth + chartCellWidth*len(months) + 2,
		Height:  chartHeader + chartCellHeight*len(series) + 2,
		Omitted: omitted,
	}
	for i, m := range months {
		label := m
		if t, err := time.Parse("2006-01", m); err == nil {
			label = t.Format("Jan 2006")
		}
		c.Columns = append(c.Columns, chartLabel{X: chartLabelWidth + chartCellWidth*i + chartCellWidth/2, Text: label})
	}
	for r, s := range series {
		y := chartHeader + chartCellHeight*r
		row := chartRow{Y: y + chartCellHeight/2 + 5, Label: s.Label}
		for i, m := range months {
			cell := chartCell{X: chartLabelWidth + chartCellWidth*i, Y: y, W: chartCellWidth - 2, H: chartCellHeight - 2,
				TextX: chartLabelWidth + chartCellWidth*i + chartCellWidth/2 - 1, TextY: y + chartCellHeight/2 + 4}
			measured, within := s.Measured[i], s.WithinSLA[i]
			if measured == 0 {
				cell.Fill, cell.Text = "#eeeeee", "–"
				cell.Title = fmt.Sprintf("%s, %s: no case measured", s.Label, m)
			} else {
				pct := within * 100 / measured
				cell.Fill, cell.Text = ratioFill(pct), strconv.Itoa(pct)+"%"
				cell.Title = fmt.Sprintf("%s, %s: %d of %d within SLA", s.Label, m, within, measured)
			}
			row.Cells = append(row.Cells, cell)
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}

// ratioFill colours a percentage: green from 95, amber from 80, red below.
// Light fills keep the dark text readable on each.
func ratioFill(pct int) string {
	switch {
	case pct >= 95:
		return "#c4e6c5"
	case pct >= 80:
		return "#ffe2a8"
	default:
		return "#f7c0c0"
	}
}

// Chart geometry, in SVG user units.
const (
	chartLabelWidth = 220
	chartCellWidth  = 72
	chartCellHeight = 30
	chartHeader     = 34
	// chartMaxRows is how many members the chart shows.
	chartMaxRows = 20
)
