package console

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/form"
	"github.com/tandemhq/tandem/shared/web"
)

// The conversation read-only (the escalation contact's signed link) has
// no form at all: no reply box, no steps; the same one for a side offers
// them.
func TestConversationReadOnly(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	c := collab.Case{ID: "cas_1", Ref: "TDM-7K3Q9XW2", Summary: "Array down", Description: "Both controllers rebooted.", Status: collab.InformationRequested,
		SubmitterName: "Hyper Visor", ReceiverName: "Acme Storage", DepartmentName: "Storage support", CreatedAt: at, Fields: map[string]any{"product": "Array 9000"}}
	events := []collab.Event{{At: at.Add(time.Hour), Actor: "Eng Host", Side: collab.Receiver, Action: collab.RequestInfo, Text: "Which build?"}}
	reply := actionFormFor("notes", collab.Note, nil, nil)
	conv := conversation{ID: c.ID, Ref: c.Ref, Summary: c.Summary, Status: string(c.Status), Facts: caseFacts(c, time.UTC), FormToken: "tok",
		Messages: messagesOf(c, events, form.Form{Fields: []form.Field{{Name: "product", Label: "Product"}}}, time.UTC),
		Reply:    &reply, Steps: []actionFormData{actionFormFor("close", collab.Close, nil, nil)}}
	for _, tc := range []struct {
		readOnly bool
		forms    int
	}{{false, 2}, {true, 0}} {
		conv.ReadOnly = tc.readOnly
		b, err := web.Render(context.Background(), conversationView(conv))
		if err != nil {
			t.Fatal(err)
		}
		page := string(b)
		if got := strings.Count(page, "<form"); got != tc.forms {
			t.Errorf("read-only %v: %d forms, want %d", tc.readOnly, got, tc.forms)
		}
		for _, want := range []string{"TDM-7K3Q9XW2", "Both controllers rebooted.", "Product", "Which build?"} {
			if !strings.Contains(page, want) {
				t.Errorf("read-only %v: the page lacks %q", tc.readOnly, want)
			}
		}
		if tc.readOnly && (strings.Contains(page, "<textarea") || strings.Contains(page, "<details") || strings.Contains(page, "csrf")) {
			t.Errorf("read-only: a field, a step or a form token is left")
		}
	}
}

// A process-form field shows its label, in the form's order; one the
// form no longer has comes last, by its key.
func TestFieldsByLabel(t *testing.T) {
	f := form.Form{Fields: []form.Field{{Name: "serialNumber", Label: "Serial number"}, {Name: "product", Label: "Product"}, {Name: "unused", Label: "Unused"}}}
	got := fieldsByLabel(map[string]any{"product": "Array 9000", "serialNumber": "SN-1", "zeta": "z", "alpha": 3}, f)
	want := []fact{{"Serial number", "SN-1"}, {"Product", "Array 9000"}, {"alpha", "3"}, {"zeta", "z"}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("field %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

// A read-only link can be forwarded: its page names people, not their
// addresses.
func TestWithoutAddresses(t *testing.T) {
	for in, want := range map[string]string{
		"Read Partner (primary@readpartner.example)":      "Read Partner",
		"Initech — Peter Gibbons <peter@initech.example>": "Initech — Peter Gibbons",
		"ann@acme.example":        "",
		"Ann Engineer":            "Ann Engineer",
		"Firmware 9.2, see KB-12": "Firmware 9.2, see KB-12",
	} {
		if got := withoutAddresses(in); got != want {
			t.Errorf("withoutAddresses(%q) = %q, want %q", in, got, want)
		}
	}
}
