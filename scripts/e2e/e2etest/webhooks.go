package e2etest

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/shared/webhook"
)

// Receiver is a partner's CRM endpoint for outbound webhooks: it verifies
// signatures with Secret, dedupes on webhook-id, and fails its first
// failFirst requests. Hold Mu to read or set its fields while Server runs.
type Receiver struct {
	Server    *httptest.Server
	Mu        sync.Mutex
	Secret    string // the signing secret the deliveries are verified with
	failFirst int
	Hits      int              // requests received
	ByID      map[string]int   // requests per webhook-id, once verified
	Events    []map[string]any // each delivered event once, in order
	BadSigs   int              // requests refused for their signature
	// Now is the receiver's clock for the timestamp check: the test's
	// clock when the sender's runs ahead of the wall.
	Now func() time.Time
}

// NewReceiver starts a Receiver (close its Server when done) that answers
// 503 to its first failFirst requests.
func NewReceiver(failFirst int) *Receiver {
	r := &Receiver{failFirst: failFirst, ByID: map[string]int{}, Now: time.Now}
	r.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.Mu.Lock()
		defer r.Mu.Unlock()
		r.Hits++
		if r.Hits <= r.failFirst {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		h := webhook.Headers{ID: req.Header.Get("webhook-id"), Timestamp: req.Header.Get("webhook-timestamp"), Signature: req.Header.Get("webhook-signature")}
		if err := webhook.Verify([]string{r.Secret}, h, body, r.Now()); err != nil {
			r.BadSigs++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		r.ByID[h.ID]++
		if r.ByID[h.ID] == 1 {
			var ev map[string]any
			_ = json.Unmarshal(body, &ev)
			r.Events = append(r.Events, ev)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	return r
}

// URL is the receiver's address as a department's webhook URL names it.
func (r *Receiver) URL() string {
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(r.Server.URL, "https://"))
	return "https://127.0.0.1:" + port + "/tandem"
}
