package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/api"
	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/webhook"
)

// signedHook posts a Standard Webhooks request to /v1/hooks/{member}.
func signedHook(t *testing.T, e *localtest.Env, memberID, secret, id string, ts time.Time, body []byte) localtest.Response {
	t.Helper()
	sig, err := webhook.Sign(secret, id, ts.Unix(), body)
	if err != nil {
		t.Fatal(err)
	}
	return e.Do("POST", "/v1/hooks/"+memberID, "", body,
		"webhook-id", id, "webhook-timestamp", strconv.FormatInt(ts.Unix(), 10), "webhook-signature", sig)
}

func hookBody(t *testing.T, typ string, data any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"type": typ, "data": data})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// webhookSetup: a host with a department, an onboarded partner with a
// webhook secret, ready to post cases from its CRM.
func webhookSetup(t *testing.T, opts ...localtest.Option) (*localtest.Env, e2etest.Host, string, e2etest.Partner, string, string) {
	t.Helper()
	return webhookSetupOn(t, localtest.New(t, opts...))
}

// webhookSetupOn is webhookSetup in a given installation.
func webhookSetupOn(t *testing.T, e *localtest.Env) (*localtest.Env, e2etest.Host, string, e2etest.Partner, string, string) {
	t.Helper()
	h := e2etest.NewHost(t, e, "Hook Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	p, ptok := e2etest.LivePartner(t, e, h, "Hook Partner")
	sec := e2etest.Expect(t, e.Do("POST", "/v1/members/"+p.MemberID+"/webhook-secret", ptok, nil), 201, "webhook secret")
	if !strings.HasPrefix(sec.Str("secret"), "whsec_") {
		t.Fatalf("webhook secret: %d %s", sec.Status, sec.Body)
	}
	return e, h, dep, p, ptok, sec.Str("secret")
}

func TestInboundWebhookSignatures(t *testing.T) {
	t.Parallel()
	e, h, dep, p, ptok, secret := webhookSetup(t)
	now := time.Now()
	body := hookBody(t, "case.create", e2etest.CaseBody(dep, h.ProgramID))

	for name, c := range map[string]struct {
		secret string
		id     string
		ts     time.Time
		strip  string
	}{
		"wrong secret":      {webhook.NewSecret(), "evt-1", now, ""},
		"6 minutes old":     {secret, "evt-2", now.Add(-6 * time.Minute), ""},
		"6 minutes ahead":   {secret, "evt-3", now.Add(6 * time.Minute), ""},
		"missing id":        {secret, "", now, ""},
		"missing signature": {secret, "evt-4", now, "webhook-signature"},
	} {
		t.Run(name, func(t *testing.T) {
			var res localtest.Response
			if c.strip != "" {
				res = e.Do("POST", "/v1/hooks/"+p.MemberID, "", body, "webhook-id", c.id, "webhook-timestamp", strconv.FormatInt(c.ts.Unix(), 10))
			} else {
				res = signedHook(t, e, p.MemberID, c.secret, c.id, c.ts, body)
			}
			e2etest.Expect(t, res, 401, "an inbound webhook with "+name)
		})
	}
	// A tampered body fails too.
	sig, _ := webhook.Sign(secret, "evt-5", now.Unix(), body)
	tampered := bytes.Replace(body, []byte("high"), []byte("low"), 1)
	e2etest.Expect(t, e.Do("POST", "/v1/hooks/"+p.MemberID, "", tampered, "webhook-id", "evt-5", "webhook-timestamp", strconv.FormatInt(now.Unix(), 10), "webhook-signature", sig), 401, "tampered body")

	created := e2etest.Expect(t, signedHook(t, e, p.MemberID, secret, "evt-ok", now, body), 201, "case.create")
	if !strings.HasPrefix(created.Str("id"), "cas_") {
		t.Fatalf("case.create: %d %s", created.Status, created.Body)
	}
	// Lifecycle events call the same operations as the API.
	note := e2etest.Expect(t, signedHook(t, e, p.MemberID, secret, "evt-note", now, hookBody(t, "case.note", map[string]any{"caseId": created.Str("id"), "text": "From our CRM"})), 200, "case.note")
	if note.Str("id") != created.Str("id") {
		t.Fatalf("case.note: %d %s", note.Status, note.Body)
	}
	if res := e2etest.Expect(t, signedHook(t, e, p.MemberID, secret, "evt-bad", now, hookBody(t, "case.note", map[string]any{"caseId": created.Str("id")})), 422, "a note without text"); res.ErrorFields()["data.text"] == nil {
		t.Fatalf("a note without text: %d %s", res.Status, res.Body)
	}
	if res := e2etest.Expect(t, signedHook(t, e, p.MemberID, secret, "evt-type", now, hookBody(t, "case.explode", map[string]any{})), 422, "unknown type"); res.ErrorFields()["type"] == nil {
		t.Fatalf("unknown type: %d %s", res.Status, res.Body)
	}
	// The same id with another body is refused; with the same body it replays.
	e2etest.Expect(t, signedHook(t, e, p.MemberID, secret, "evt-ok", now, hookBody(t, "case.note", map[string]any{"caseId": created.Str("id"), "text": "x"})), 422, "reused id, other body")
	if res := e2etest.Expect(t, signedHook(t, e, p.MemberID, secret, "evt-ok", now, body), 201, "redelivery"); res.Str("id") != created.Str("id") {
		t.Fatalf("redelivery: %d %s", res.Status, res.Body)
	}

	// Rotation: the previous secret keeps verifying for 24 h.
	rot := e2etest.Expect(t, e.Do("POST", "/v1/members/"+p.MemberID+"/webhook-secret", ptok, nil), 201, "rotate")
	if rot.Str("secret") == secret {
		t.Fatalf("rotate: %d %s", rot.Status, rot.Body)
	}
	for _, s := range []string{secret, rot.Str("secret")} {
		e2etest.Expect(t, signedHook(t, e, p.MemberID, s, "evt-rot-"+s[6:12], now, hookBody(t, "case.note", map[string]any{"caseId": created.Str("id"), "text": "rotated"})), 200, "after rotation with "+s[:10]+"…")
	}
	e2etest.Expect(t, e.Do("POST", "/v1/members/"+p.MemberID+"/webhook-secret", h.Admin, nil), 404, "another member rotates the partner's secret")
}

func TestInboundWebhookExactlyOnce(t *testing.T) {
	t.Parallel()
	// 1,050 deliveries, ~1,900 stream records: on a Local of their own (see localtest.Isolated).
	e, h, dep, p, ptok, secret := webhookSetupOn(t, localtest.Isolated(t))
	now := time.Now()
	body := hookBody(t, "case.create", e2etest.CaseBody(dep, h.ProgramID))

	// 50 concurrent deliveries of one webhook-id: one case, 50 answers with its id.
	var wg sync.WaitGroup
	ids := make([]string, 50)
	answers := make([]localtest.Response, 50)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := signedHook(t, e, p.MemberID, secret, "evt-concurrent", now, body)
			ids[i], answers[i] = res.Str("id"), res
		}()
	}
	wg.Wait()
	for i := range ids {
		e2etest.Expect(t, answers[i], 201, fmt.Sprintf("answer %d", i))
		if ids[i] == "" || ids[i] != ids[0] {
			t.Fatalf("answer %d: %d with id %q, want 201 with %q", i, answers[i].Status, ids[i], ids[0])
		}
	}

	// 100 distinct events, each delivered 10 times: exactly 100 cases.
	type job struct{ id string }
	jobs := make(chan job)
	type answer struct {
		id  string
		res localtest.Response
	}
	var wg2 sync.WaitGroup
	var mu sync.Mutex
	var delivered []answer
	for w := 0; w < 16; w++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			for j := range jobs {
				b := hookBody(t, "case.create", e2etest.Set(e2etest.CaseBody(dep, h.ProgramID), "summary", "Event "+j.id, false))
				res := signedHook(t, e, p.MemberID, secret, j.id, now, b)
				mu.Lock()
				delivered = append(delivered, answer{j.id, res})
				mu.Unlock()
			}
		}()
	}
	for round := 0; round < 10; round++ {
		for i := 0; i < 100; i++ {
			jobs <- job{fmt.Sprintf("evt-%03d", i)}
		}
	}
	close(jobs)
	wg2.Wait()
	for _, a := range delivered {
		e2etest.Expect(t, a.res, 201, a.id)
	}
	count, cursor := 0, ""
	for {
		res := e.Do("GET", "/v1/cases?box=outbox&limit=200&cursor="+cursor, ptok, nil)
		count += len(res.JSON()["items"].([]any))
		if cursor = res.Str("nextCursor"); cursor == "" {
			break
		}
	}
	if count != 101 {
		t.Fatalf("cases: %d, want 101 (1 + 100)", count)
	}
}

func TestOutboundWebhookRetriesUntilDelivered(t *testing.T) {
	t.Parallel()
	rcv := e2etest.NewReceiver(3)
	defer rcv.Server.Close()
	clock := localtest.NewClock(time.Now().UTC())
	e := localtest.New(t, localtest.WithWebhookReceiver(rcv.Server), localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Out Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Out Partner")
	sec := e.Do("POST", "/v1/members/"+h.MemberID+"/webhook-secret", h.Admin, nil).Str("secret")
	rcv.Mu.Lock()
	rcv.Secret = sec
	rcv.Now = clock.Now
	rcv.Mu.Unlock()
	e2etest.Expect(t, e.Do("PATCH", "/v1/departments/"+dep, h.Admin, map[string]any{"inbound": map[string]any{
		"email": e.Addr("storage-support"), "webhookUrl": rcv.URL(), "hours": "24x7",
		"escalation": map[string]any{"name": "Esc", "email": e.Addr("esc")},
	}}), 200, "set webhook")
	c := e2etest.Expect(t, e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)), 201, "case")
	e.Flush() // the stream's tries (all refused by the receiver)
	for i := 0; i < 10; i++ {
		clock.Advance(2 * time.Hour)
		if _, err := e.App.Redrive.Run(context.Background(), clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	rcv.Mu.Lock()
	defer rcv.Mu.Unlock()
	if rcv.Hits < 4 || len(rcv.Events) != 1 || rcv.BadSigs != 0 {
		t.Fatalf("receiver: %d requests, %d distinct events, %d bad signatures; want ≥4, 1, 0", rcv.Hits, len(rcv.Events), rcv.BadSigs)
	}
	for id, n := range rcv.ByID {
		if n != 1 {
			t.Errorf("webhook-id %s accepted %d times", id, n)
		}
	}
	ev := rcv.Events[0]
	if ev["type"] != "case.created" || ev["data"].(map[string]any)["caseId"] != c.Str("id") {
		t.Errorf("event: %v", ev)
	}
	log := e.Do("GET", "/v1/members/"+h.MemberID+"/webhook-deliveries", h.Admin, nil)
	items := log.JSON()["items"].([]any)
	if len(items) != rcv.Hits {
		t.Errorf("delivery log has %d attempts, the receiver saw %d", len(items), rcv.Hits)
	}
	if !items[0].(map[string]any)["ok"].(bool) {
		t.Errorf("the newest attempt is not the successful one: %v", items[0])
	}
}

func TestOutboundWebhookDisabledAfterADay(t *testing.T) {
	t.Parallel()
	rcv := e2etest.NewReceiver(1 << 30) // never recovers
	defer rcv.Server.Close()
	clock := localtest.NewClock(time.Now().UTC())
	e := localtest.New(t, localtest.WithWebhookReceiver(rcv.Server), localtest.WithClock(clock))
	h := e2etest.NewHost(t, e, "Dead Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Dead Partner")
	e.Do("POST", "/v1/members/"+h.MemberID+"/webhook-secret", h.Admin, nil)
	e.Do("PATCH", "/v1/departments/"+dep, h.Admin, map[string]any{"inbound": map[string]any{
		"email": e.Addr("storage-support"), "webhookUrl": rcv.URL(), "hours": "24x7",
		"escalation": map[string]any{"name": "Esc", "email": e.Addr("esc")},
	}})
	e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID))
	e.Flush()
	for i := 0; i < 30; i++ {
		clock.Advance(time.Hour)
		if _, err := e.App.Redrive.Run(context.Background(), clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	d := e.Do("GET", "/v1/departments/"+dep, h.Admin, nil)
	if d.JSON()["webhookDisabled"] != true {
		t.Fatalf("the webhook is still on after a day of failures: %s", d.Body)
	}
	e.Mail(e.Addr("primary-deadhost"), "turned off the webhook")
	dead := e.Do("GET", "/v1/dead-letters", e.Operator, nil)
	if n := len(dead.JSON()["items"].([]any)); n != 1 {
		t.Errorf("dead letters: %d, want the one webhook event", n)
	}
	// Saving the department again turns it back on.
	e.Do("PATCH", "/v1/departments/"+dep, h.Admin, map[string]any{"inbound": map[string]any{
		"email": e.Addr("storage-support"), "webhookUrl": rcv.URL(), "hours": "24x7",
		"escalation": map[string]any{"name": "Esc", "email": e.Addr("esc")},
	}})
	if d := e.Do("GET", "/v1/departments/"+dep, h.Admin, nil); d.JSON()["webhookDisabled"] == true {
		t.Errorf("saving the webhook again left it off")
	}
}

type mutableResolver struct {
	mu sync.Mutex
	m  map[string]string
}

func (r *mutableResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ip, ok := r.m[host]
	if !ok {
		return nil, fmt.Errorf("no such host %s", host)
	}
	return []net.IPAddr{{IP: net.ParseIP(ip)}}, nil
}

func (r *mutableResolver) set(host, ip string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[host] = ip
}

// Without the local-only setting, private and loopback webhook URLs are
// refused when saved, and a name that later resolves inside when sent.
func TestWebhookURLGuard(t *testing.T) {
	t.Parallel()
	rcv := e2etest.NewReceiver(0)
	defer rcv.Server.Close()
	res := &mutableResolver{m: map[string]string{"hooks.partner.example": "93.184.216.34", "sneaky.example": "127.0.0.1", "localhost": "127.0.0.1"}}
	clock := localtest.NewClock(time.Now().UTC())
	e := localtest.New(t, localtest.WithClock(clock), localtest.WithWebhookReceiver(rcv.Server), func(c *app.Config) {
		c.AllowLoopbackWebhooks = false
		c.WebhookResolver = res
	})
	h := e2etest.NewHost(t, e, "Guard Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Guard Partner")
	e.Do("POST", "/v1/members/"+h.MemberID+"/webhook-secret", h.Admin, nil)
	inbound := func(u string) map[string]any {
		return map[string]any{"inbound": map[string]any{"email": e.Addr("storage-support"), "webhookUrl": u, "hours": "24x7",
			"escalation": map[string]any{"name": "Esc", "email": e.Addr("esc")}}}
	}
	for _, bad := range []string{"https://10.0.0.1/", "https://localhost/", "https://sneaky.example/hook", "https://169.254.169.254/latest"} {
		if r := e2etest.Expect(t, e.Do("PATCH", "/v1/departments/"+dep, h.Admin, inbound(bad)), 422, "webhook URL "+bad); r.ErrorFields()["inbound.webhookUrl"] == nil {
			t.Errorf("%s: got %d %s, want 422 naming inbound.webhookUrl", bad, r.Status, r.Body)
		}
	}
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(rcv.Server.URL, "https://"))
	e2etest.Expect(t, e.Do("PATCH", "/v1/departments/"+dep, h.Admin, inbound("https://hooks.partner.example:"+port+"/hook")), 200, "public URL")
	res.set("hooks.partner.example", "127.0.0.1") // DNS rebinding after the save
	e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID))
	e.Flush()
	clock.Advance(time.Hour)
	_, _ = e.App.Redrive.Run(context.Background(), clock.Now())
	rcv.Mu.Lock()
	hits := rcv.Hits
	rcv.Mu.Unlock()
	if hits != 0 {
		t.Fatalf("the receiver on loopback was reached %d times", hits)
	}
	dead := e.Do("GET", "/v1/dead-letters", e.Operator, nil)
	items := dead.JSON()["items"].([]any)
	if len(items) != 1 || !strings.Contains(items[0].(map[string]any)["reason"].(string), "refused") {
		t.Fatalf("the refused delivery is not dead-lettered with its reason: %s", dead.Body)
	}
}

// A first delivery that wrote its case and died before storing its answer
// (the Lambda timed out, the connection dropped) leaves the webhook-id
// committed. A redelivery must answer as the first would have: 201 with
// that case, not a second case and not an error.
func TestInboundWebhookRedeliveryAfterACrashedFirst(t *testing.T) {
	t.Parallel()
	e, h, dep, p, ptok, secret := webhookSetup(t, func(c *app.Config) { c.APIDeadline = router.Deadline })
	ctx := context.Background()
	now := time.Now()
	body := hookBody(t, "case.create", e2etest.CaseBody(dep, h.ProgramID))

	// The first delivery, by hand: claim the id, open the case in the same
	// transaction that commits the claim, then never complete it.
	key, hash := api.HookClaim(p.MemberID, "evt-crashed", body)
	claimed := idem.Claim{Key: key, Owner: "crashed-lambda"}
	if _, ok, err := e.App.Store.ClaimIdempotency(ctx, key, claimed.Owner, hash, now, api.HookRetention); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	secrets, err := e.App.Store.GetWebhookSecrets(ctx, p.MemberID)
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.App.Store.GetUser(ctx, p.MemberID, secrets.UserID)
	if err != nil {
		t.Fatal(err)
	}
	var in collab.NewCase
	raw, _ := json.Marshal(e2etest.CaseBody(dep, h.ProgramID))
	if err := json.Unmarshal(raw, &in); err != nil {
		t.Fatal(err)
	}
	first, err := e.App.Services.Cases.Open(ctx, u.Principal(), in, claimed)
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := e.App.Store.GetIdempotency(ctx, key); err != nil || rec.State != idem.Committed || rec.ResultID != first.ID {
		t.Fatalf("the crashed first delivery left %+v (%v), want committed with %s", rec, err, first.ID)
	}

	for i := 0; i < 2; i++ {
		// This test runs under the production deadline (2 s); when the
		// parallel suite floods the shared emulator a delivery can answer
		// 503 "retry shortly", and a sender retries it, as the contract says.
		res := signedHook(t, e, p.MemberID, secret, "evt-crashed", now, body)
		for try := 1; res.Status == 503 && try < 5; try++ {
			res = signedHook(t, e, p.MemberID, secret, "evt-crashed", now, body)
		}
		e2etest.Expect(t, res, 201, fmt.Sprintf("redelivery %d", i))
		if res.Str("id") != first.ID || res.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("redelivery %d: %d %s, want 201 with %s, replayed", i, res.Status, res.Body, first.ID)
		}
	}
	list := e2etest.Expect(t, e.Do("GET", "/v1/cases?box=outbox&limit=100", ptok, nil), 200, "the partner's outbox after redeliveries")
	if items, _ := list.JSON()["items"].([]any); len(items) != 1 {
		t.Fatalf("the partner's outbox after redeliveries: %d %s, want the one case", list.Status, list.Body)
	}
}
