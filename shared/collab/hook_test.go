package collab_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/program"
)

// The webhook body is a contract with the receivers' systems, and its
// bytes are what gets signed: a case comes out as exactly these bytes,
// keys in this order, customer left out when there is none and fields null
// when the department's form asked for nothing.
func TestHookPayloadJSON(t *testing.T) {
	due := time.Date(2026, 3, 2, 15, 4, 5, 0, time.FixedZone("CET", 3600))
	base := collab.Case{
		ID: "cas_1", ProgramID: "prg_1", ProgramName: "Storage Alliance", Status: collab.Open, Priority: program.High,
		Summary: `Array "A" <down>`, Description: "Line one\nline two & more", SubmitterMemberID: "mem_s",
		ReceiverMemberID: "mem_r", DepartmentID: "dep_1", ResponseDueAt: due, EscalationLevel: 1, Version: 3,
		SubmitterName: "not in the payload", BusinessImpact: "not in the payload either",
	}
	withAll := base
	withAll.Customer = &collab.Customer{Company: "Acme", ContactName: "Ann", ContactEmail: "ann@acme.example", CaseNumber: "AC-9"}
	withAll.Fields = map[string]any{"serial": "SN-1", "version": 7.5, "clustered": true, "nodes": []any{"a", "b"}}
	withAll.SubmitterCaseNumber, withAll.ReceiverCaseNumber = "S-1", "R-2"
	customerNoCase := base
	customerNoCase.Customer = &collab.Customer{Company: "Acme", ContactName: "Ann", ContactEmail: "ann@acme.example"}
	emptyFields := base
	emptyFields.Fields = map[string]any{}
	for _, tc := range []struct {
		name string
		c    collab.Case
		want string
	}{
		{"no customer, no fields", base, `{"caseId":"cas_1","departmentId":"dep_1","description":"Line one\nline two \u0026 more","escalationLevel":1,"fields":null,"priority":"high","programId":"prg_1","receiverCaseNumber":"","receiverMemberId":"mem_r","responseDueAt":"2026-03-02T14:04:05Z","status":"open","submitterCaseNumber":"","submitterMemberId":"mem_s","summary":"Array \"A\" \u003cdown\u003e","version":3}`},
		{"customer and fields", withAll, `{"caseId":"cas_1","customer":{"company":"Acme","contactName":"Ann","contactEmail":"ann@acme.example","caseNumber":"AC-9"},"departmentId":"dep_1","description":"Line one\nline two \u0026 more","escalationLevel":1,"fields":{"clustered":true,"nodes":["a","b"],"serial":"SN-1","version":7.5},"priority":"high","programId":"prg_1","receiverCaseNumber":"R-2","receiverMemberId":"mem_r","responseDueAt":"2026-03-02T14:04:05Z","status":"open","submitterCaseNumber":"S-1","submitterMemberId":"mem_s","summary":"Array \"A\" \u003cdown\u003e","version":3}`},
		{"customer without a case number", customerNoCase, `{"caseId":"cas_1","customer":{"company":"Acme","contactName":"Ann","contactEmail":"ann@acme.example"},"departmentId":"dep_1","description":"Line one\nline two \u0026 more","escalationLevel":1,"fields":null,"priority":"high","programId":"prg_1","receiverCaseNumber":"","receiverMemberId":"mem_r","responseDueAt":"2026-03-02T14:04:05Z","status":"open","submitterCaseNumber":"","submitterMemberId":"mem_s","summary":"Array \"A\" \u003cdown\u003e","version":3}`},
		{"empty fields", emptyFields, `{"caseId":"cas_1","departmentId":"dep_1","description":"Line one\nline two \u0026 more","escalationLevel":1,"fields":{},"priority":"high","programId":"prg_1","receiverCaseNumber":"","receiverMemberId":"mem_r","responseDueAt":"2026-03-02T14:04:05Z","status":"open","submitterCaseNumber":"","submitterMemberId":"mem_s","summary":"Array \"A\" \u003cdown\u003e","version":3}`},
	} {
		got, err := json.Marshal(collab.HookPayload(tc.c))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if string(got) != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
