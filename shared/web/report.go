package web

import (
	"fmt"
	"strconv"
	"time"
)

// SLAReport is the SLA compliance report page of one program.
type SLAReport struct {
	Nav                    Nav
	ProgramID, ProgramName string
	// From and To are the period as the form shows it (To not counted).
	From, To string
	// Problem and Fields say what is wrong with the period asked for.
	Problem string
	Fields  map[string]string
	AsOf    string
	Rows    []SLARow
	Total   SLARow
	Chart   SLAChart
	CSVURL  string
}

// SLARow is one receiving member's line of the report, formatted.
type SLARow struct {
	Member                                        string
	Cases, Responded, WithinSLA, Measured, L1, L2 int
	Open                                          int
	Ratio, Median, P90                            string
}

// SLAChart is the within-SLA ratio per member (rows) and month (columns)
// as an SVG heat map: every cell carries its percentage as text, so the
// colour is never the only cue.
type SLAChart struct {
	Width, Height int
	Columns       []ChartLabel
	Rows          []ChartRow
	// Omitted counts members left out of the chart (the table has them).
	Omitted int
}

// ChartLabel is a column heading.
type ChartLabel struct {
	X    int
	Text string
}

// ChartRow is one member's row of cells.
type ChartRow struct {
	Y     int
	Label string
	Cells []ChartCell
}

// ChartCell is one month of one member.
type ChartCell struct {
	X, Y, W, H   int
	Fill, Text   string
	TextX, TextY int
	// Title is the cell's tooltip and accessible description.
	Title string
}

// Chart geometry, in SVG user units.
const (
	chartLabelWidth = 220
	chartCellWidth  = 72
	chartCellHeight = 30
	chartHeader     = 34
	// ChartMaxRows is how many members the chart shows.
	ChartMaxRows = 20
)

// ChartSeries is one chart row's source: a label and, per column, the
// number of measured cases and of those within SLA.
type ChartSeries struct {
	Label               string
	Measured, WithinSLA []int
}

// NewSLAChart lays out the heat map of series over months.
func NewSLAChart(months []string, series []ChartSeries, omitted int) SLAChart {
	c := SLAChart{
		Width:   chartLabelWidth + chartCellWidth*len(months) + 2,
		Height:  chartHeader + chartCellHeight*len(series) + 2,
		Omitted: omitted,
	}
	for i, m := range months {
		label := m
		if t, err := time.Parse("2006-01", m); err == nil {
			label = t.Format("Jan 2006")
		}
		c.Columns = append(c.Columns, ChartLabel{X: chartLabelWidth + chartCellWidth*i + chartCellWidth/2, Text: label})
	}
	for r, s := range series {
		y := chartHeader + chartCellHeight*r
		row := ChartRow{Y: y + chartCellHeight/2 + 5, Label: s.Label}
		for i, m := range months {
			cell := ChartCell{X: chartLabelWidth + chartCellWidth*i, Y: y, W: chartCellWidth - 2, H: chartCellHeight - 2,
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
