package localtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Mail is one message in the local SES store.
type Mail struct {
	MessageID   string `json:"messageId"`
	From        string `json:"from"`
	Destination struct {
		To  []string `json:"to"`
		Cc  []string `json:"cc"`
		Bcc []string `json:"bcc"`
	} `json:"destination"`
	ReplyTo []string `json:"replyTo"`
	Subject string   `json:"subject"`
	Body    struct {
		Text string `json:"text"`
		HTML string `json:"html"`
	} `json:"body"`
	Headers []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
	At int64 `json:"at"`
}

// Header returns a header's value.
func (m Mail) Header(name string) string {
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// Is reports whether the mail is what: its template (the
// X-Tandem-Template header: case_new, case_escalated…) is what, or its
// subject or the first line of its text contains what. A case's mails
// share one subject; their first line says what each is.
func (m Mail) Is(what string) bool {
	first, _, _ := strings.Cut(m.Body.Text, "\n")
	return m.Header("X-Tandem-Template") == what || strings.Contains(m.Subject, what) || strings.Contains(first, what)
}

// To reports whether addr is among the recipients (blind copies included).
func (m Mail) To(addr string) bool {
	return slices.Contains(m.Destination.To, addr) || slices.Contains(m.Destination.Cc, addr) || slices.Contains(m.Destination.Bcc, addr)
}

// SESStore reads the local SES's mail store over HTTP.
type SESStore struct {
	Endpoint string
	// Since, when set, limits the store to mails received at or after
	// this Unix second: a test's environment reads the mail of its own
	// lifetime, not every mail the suite's shared SES has kept (reading
	// and decoding those on every poll was 15 % of the suite's CPU).
	Since int64
}

// All returns every stored mail (since Since).
func (s SESStore) All(ctx context.Context) ([]Mail, error) {
	u := s.Endpoint + "/store"
	if s.Since > 0 {
		u += "?since=" + strconv.FormatInt(s.Since, 10)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("ses store: %s", res.Status)
	}
	var out struct {
		Emails []Mail `json:"emails"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return nil, err
	}
	return out.Emails, nil
}

// To returns the mails addressed to addr.
func (s SESStore) To(ctx context.Context, addr string) ([]Mail, error) {
	all, err := s.All(ctx)
	if err != nil {
		return nil, err
	}
	var out []Mail
	for _, m := range all {
		if m.To(addr) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Wait polls until a mail to addr that Is subject arrives.
func (s SESStore) Wait(ctx context.Context, addr, subject string, timeout time.Duration) (Mail, error) {
	deadline := time.Now().Add(timeout)
	for {
		mails, err := s.To(ctx, addr)
		if err == nil {
			for _, m := range mails {
				if m.Is(subject) {
					return m, nil
				}
			}
		}
		if time.Now().After(deadline) {
			var subjects []string
			for _, m := range mails {
				subjects = append(subjects, m.Subject)
			}
			return Mail{}, fmt.Errorf("no mail to %s that is %q (template or subject) within %v (got %q, err %v)", addr, subject, timeout, subjects, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
