package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/program"
)

// Format is how a report is answered.
type Format string

// Formats.
const (
	JSON Format = "json"
	CSV  Format = "csv"
)

// ParseFormat reads a report's format parameter ("" is JSON).
func ParseFormat(v string) (Format, error) {
	switch v {
	case "", "json":
		return JSON, nil
	case "csv":
		return CSV, nil
	}
	return "", apperr.InvalidField("format", "must be json or csv")
}

// ForProgram is program programID's SLA report over the period from–to
// as asked (dates as typed, checked here), to a host admin of the program
// or an operator.
func (s *Service) ForProgram(ctx context.Context, p auth.Principal, programID, from, to string) (SLA, program.Program, error) {
	if programID == "" {
		return SLA{}, program.Program{}, apperr.InvalidField("programId", "required: the program to report on")
	}
	per, err := ParsePeriod(from, to, s.Now())
	if err != nil {
		return SLA{}, program.Program{}, err
	}
	return s.SLA(ctx, p, programID, per)
}

// csvHeader is the CSV's first row: the JSON row's field names.
var csvHeader = []string{"memberId", "memberName", "cases", "responded", "withinSla", "measured", "withinSlaRatio",
	"medianFirstResponseSeconds", "p90FirstResponseSeconds", "escalatedLevel1", "escalatedLevel2", "open"}

// CSV is the report as CSV: the header, one member a row, then the whole
// program's row (memberId empty, memberName "All members").
func (rep SLA) CSV() ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(csvHeader)
	for _, row := range append(append([]Row{}, rep.Rows...), rep.Total) {
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
	return buf.Bytes(), nil
}

// CSVName is the CSV's file name.
func (rep SLA) CSVName() string {
	return fmt.Sprintf("sla-%s-%s-%s.csv", rep.ProgramID, rep.From.Format(time.DateOnly), rep.To.Format(time.DateOnly))
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
