package api

import (
	"context"
	"net/http"
	"time"

	"github.com/tandemhq/tandem/shared/report"
	"github.com/tandemhq/tandem/shared/router"
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
	format, err := report.ParseFormat(r.Query.Get("format"))
	if err != nil {
		return nil, err
	}
	rep, prg, err := s.Reports.ForProgram(ctx, r.Principal, r.Query.Get("programId"), r.Query.Get("from"), r.Query.Get("to"))
	if err != nil {
		return nil, err
	}
	if format == report.CSV {
		return slaCSV(rep)
	}
	return router.JSON(http.StatusOK, slaReportView{
		ProgramID: rep.ProgramID, ProgramName: prg.Name, From: rep.From.Format(time.DateOnly), To: rep.To.Format(time.DateOnly),
		AsOf: ts(rep.AsOf), Rows: rep.Rows, Total: rep.Total, Months: rep.Months,
	}), nil
}

// slaCSV answers the report as a CSV file.
func slaCSV(rep report.SLA) (*router.Response, error) {
	b, err := rep.CSV()
	if err != nil {
		return nil, err
	}
	return router.Download("text/csv; charset=utf-8", rep.CSVName(), b), nil
}
