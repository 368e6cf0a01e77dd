package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/scripts/localstack"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/awsclient"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/notify/delivery"
	"github.com/tandemhq/tandem/shared/notify/sesmail"
	"github.com/tandemhq/tandem/shared/store/storetest"
)

// faultySender stands in front of the local SES: it rejects for good every
// mail to an address starting with reject, and fails a send transiently
// whenever fail, given the send's number (rejections not counted), says so.
type faultySender struct {
	next   delivery.Sender
	reject string
	fail   func(call int) bool
	mu     sync.Mutex
	calls  int
}

// newFaultySender returns a faulty sender in front of the local SES, and
// that SES's endpoint.
func newFaultySender(t *testing.T, reject string, fail func(call int) bool) (*faultySender, string) {
	t.Helper()
	sesEndpoint := storetest.SESEndpoint(t)
	cfg, err := awsclient.Load(context.Background(), awsclient.Options{SESEndpoint: sesEndpoint, DynamoDBEndpoint: storetest.Endpoint(t)})
	if err != nil {
		t.Fatal(err)
	}
	return &faultySender{next: sesmail.New(awsclient.Sending(cfg), sesEndpoint, ""), reject: reject, fail: fail}, sesEndpoint
}

func (f *faultySender) Send(ctx context.Context, m delivery.Mail) (string, error) {
	if strings.HasPrefix(m.To[0], f.reject) {
		return "", fmt.Errorf("address rejected: %w", notify.ErrPermanent)
	}
	f.mu.Lock()
	f.calls++
	fail := f.fail(f.calls)
	f.mu.Unlock()
	if fail {
		return "", fmt.Errorf("injected transient failure")
	}
	return f.next.Send(ctx, m)
}

// Calls is how many sends were tried, rejections not counted.
func (f *faultySender) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func enqueue(t *testing.T, e *localtest.Env, n int, to func(i int) string) []string {
	t.Helper()
	now := time.Now().UTC()
	var ids []string
	for i := 0; i < n; i++ {
		msg := notify.Message{
			ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: "Tandem <no-reply@tandem.test>",
			To: []string{to(i)}, CreatedAt: now, Ref: fmt.Sprintf("test-%d", i),
			Data: notify.MemberWelcome{MemberName: "M", MemberID: "mem_x", ContactName: "C", AdminEmail: "a@b.example", BaseURL: e.URL},
		}
		if err := e.App.Store.Enqueue(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, msg.ID)
	}
	return ids
}

// drain runs the outbox sweep at ever later instants until nothing is due.
func drain(t *testing.T, e *localtest.Env) {
	t.Helper()
	at := time.Now().UTC()
	for i := 0; i < 30; i++ {
		at = at.Add(2 * time.Hour)
		sum, err := e.App.Redrive.Run(context.Background(), at)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Found == 0 {
			return
		}
	}
	t.Fatal("the outbox never drained")
}

// sentOnce checks that each outbox id reached the SES store exactly once and
// is marked sent.
func sentOnce(t *testing.T, e *localtest.Env, ses localtest.SESStore, ids []string) {
	t.Helper()
	mails, err := ses.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, m := range mails {
		count[m.Header(sesmail.MessageIDHeader)]++
	}
	for _, id := range ids {
		if count[id] != 1 {
			t.Errorf("outbox %s reached SES %d times, want exactly 1", id, count[id])
		}
		_, state, _, err := e.App.Store.GetOutbox(context.Background(), id)
		if err != nil || state != notify.Sent {
			t.Errorf("outbox %s: state %s (%v), want sent", id, state, err)
		}
	}
}

func TestNotifierWithFailingSender(t *testing.T) {
	t.Parallel()
	// Every third send fails.
	flaky, sesEndpoint := newFaultySender(t, "reject", func(call int) bool { return call%3 == 0 })
	e := localtest.New(t, func(c *app.Config) { c.MailSender = flaky })

	ids := enqueue(t, e, 60, func(i int) string { return e.Addr(fmt.Sprintf("user%d", i)) })
	rejected := enqueue(t, e, 1, func(int) string { return "reject-me@" + e.Domain })
	e.Flush()
	drain(t, e)

	sentOnce(t, e, localtest.SESStore{Endpoint: sesEndpoint}, ids)
	if calls := flaky.Calls(); calls < 60+60/3 {
		t.Errorf("sender saw %d calls; a third failing should force at least %d", calls, 80)
	}
	dead := e.Do("GET", "/v1/dead-letters", e.Operator, nil)
	items, _ := dead.JSON()["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["id"] != rejected[0] {
		t.Fatalf("dead letters: got %s, want only %s", dead.Body, rejected[0])
	}
	if _, state, _, _ := e.App.Store.GetOutbox(context.Background(), rejected[0]); state != notify.Dead {
		t.Errorf("rejected message state %s, want dead", state)
	}
}

func TestNotifierSurvivesSESRestart(t *testing.T) {
	t.Parallel()
	storetest.Endpoint(t)
	ctx := context.Background()
	cache, _ := localstack.CacheDir()
	ses, err := localstack.StartSES(ctx, 0, filepath.Join(cache, "logs", "ses-restart-test.log"))
	if err != nil {
		t.Fatal(err)
	}
	port := ses.Port
	t.Cleanup(ses.Stop)
	e := localtest.New(t, func(c *app.Config) { c.AWS.SESEndpoint = ses.Endpoint })

	ses.Stop() // SES goes away before anything is sent
	ids := enqueue(t, e, 20, func(i int) string { return e.Addr(fmt.Sprintf("r%d", i)) })
	e.Flush() // the stream tries, fails, retries, and gives up to the sweep
	for _, id := range ids {
		if _, state, attempts, _ := e.App.Store.GetOutbox(ctx, id); state != notify.Pending || attempts == 0 {
			t.Fatalf("while SES is down, %s is %s after %d attempts; want pending and tried", id, state, attempts)
		}
	}

	restarted, err := localstack.StartSES(ctx, port, filepath.Join(cache, "logs", "ses-restart-test-2.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(restarted.Stop)
	drain(t, e)
	sentOnce(t, e, localtest.SESStore{Endpoint: restarted.Endpoint}, ids)
}
