package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localstack"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/notify/sesmail"
	"github.com/tandemhq/tandem/shared/router"
)

func TestFaultsSESFailingOver1000Notifications(t *testing.T) {
	t.Parallel()
	// 30 % of sends fail at random (called under the sender's lock).
	rng := rand.New(rand.NewPCG(7, 11))
	chaos, sesEndpoint := newFaultySender(t, "bounce-", func(int) bool { return rng.Float64() < 0.30 })
	// 1,000 outbox items: on a Local of their own (see localtest.Isolated).
	e := localtest.Isolated(t, func(c *app.Config) { c.MailSender = chaos })

	good := enqueue(t, e, 950, func(i int) string { return e.Addr(fmt.Sprintf("n%d", i)) })
	bad := enqueue(t, e, 50, func(i int) string { return fmt.Sprintf("bounce-%d@%s", i, e.Domain) })
	start := time.Now()
	e.FlushWithin(5 * time.Minute)
	t.Logf("the stream delivered 1000 outbox records to the notifier in %s", time.Since(start).Round(time.Millisecond))
	drain(t, e)

	sentOnce(t, e, localtest.SESStore{Endpoint: sesEndpoint}, good)
	for _, id := range bad {
		if _, st, _, err := e.App.Store.GetOutbox(context.Background(), id); err != nil || st != notify.Dead {
			t.Errorf("rejected %s: state %s (%v), want dead", id, st, err)
		}
	}
	dead := map[string]bool{}
	cursor := ""
	for {
		items, next, err := e.App.Store.ListDeadLetters(context.Background(), 200, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range items {
			dead[d.ID] = true
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if len(dead) != len(bad) {
		t.Errorf("dead letters: %d, want exactly the %d rejections", len(dead), len(bad))
	}
	for _, id := range bad {
		if !dead[id] {
			t.Errorf("rejection %s is not in the dead letters", id)
		}
	}
	t.Logf("%d send attempts for 950 deliverable mails (30%% injected failures)", chaos.Calls())
}

// The mail service hangs for 30 s while mail keeps being written: the local
// SES is stopped (SIGSTOP), so the kernel still takes every connection and
// request and nothing answers; then it goes on and handles all it was sent.
// Every outbox item must reach it exactly once: a send given up on while it
// hung (an SDK retry on a timeout, a lease lapsing behind a record written
// on an expired context) is a second copy once it wakes.
func TestFaultsSESHungUnderLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cache, _ := localstack.CacheDir()
	ses, err := localstack.StartSES(ctx, 0, filepath.Join(cache, "logs", "ses-hung-test.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ses.Stop)
	// Hundreds of outbox items: on a Local of their own (see localtest.Isolated).
	e := localtest.Isolated(t, func(c *app.Config) { c.AWS.SESEndpoint = ses.Endpoint })

	// The load: two mails every 100 ms, before, during and after the hang.
	var (
		mu   sync.Mutex
		ids  []string
		stop = make(chan struct{})
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			now := time.Now().UTC()
			var batch []notify.Message
			for j := 0; j < 2; j++ {
				batch = append(batch, notify.Message{
					ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: "Tandem <no-reply@tandem.test>",
					To: []string{e.Addr(fmt.Sprintf("h%d-%d", i, j))}, CreatedAt: now, Ref: fmt.Sprintf("hung-%d-%d", i, j),
					Data: notify.MemberWelcome{MemberName: "M", MemberID: "mem_x", ContactName: "C", AdminEmail: "a@b.example", BaseURL: e.URL},
				})
			}
			if err := e.App.Store.Enqueue(ctx, batch...); err != nil {
				t.Errorf("enqueue: %v", err)
				return
			}
			mu.Lock()
			for _, m := range batch {
				ids = append(ids, m.ID)
			}
			mu.Unlock()
		}
	}()
	time.Sleep(3 * time.Second)
	if err := ses.Pause(); err != nil {
		t.Fatal(err)
	}
	hc, cancel := context.WithTimeout(ctx, time.Second)
	if _, err := (localtest.SESStore{Endpoint: ses.Endpoint}).All(hc); err == nil {
		t.Fatal("the paused SES still answers: the fault was not injected")
	}
	cancel()
	time.Sleep(29 * time.Second)
	if err := ses.Resume(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	close(stop)
	<-done

	start := time.Now()
	e.FlushWithin(5 * time.Minute)
	t.Logf("after the hang, the stream was through in %s", time.Since(start).Round(time.Millisecond))
	drain(t, e)

	mails, err := (localtest.SESStore{Endpoint: ses.Endpoint}).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	copies := map[string]int{}
	for _, m := range mails {
		copies[m.Header(sesmail.MessageIDHeader)]++
	}
	times := map[int]int{} // copies → outbox items
	for _, id := range ids {
		times[copies[id]]++
	}
	t.Logf("%d outbox items written over 36 s, SES hung for 30 s of them: %d mails in the SES store; outbox items by copies received: %v",
		len(ids), len(mails), times)
	if times[1] != len(ids) {
		t.Errorf("items by copies delivered: %v, want all %d exactly once", times, len(ids))
	}
	for _, id := range ids {
		if _, state, _, err := e.App.Store.GetOutbox(ctx, id); err != nil || state != notify.Sent {
			t.Errorf("outbox %s: state %s (%v), want sent", id, state, err)
		}
	}
}

// dynamoFault is an HTTP middleware in the app's SDK client stack: while
// enabled, each DynamoDB request goes to hit first, which answers it
// instead of the table (a response or an error) or lets it through (nil, nil).
type dynamoFault struct {
	next    aws.HTTPClient
	enabled atomic.Bool
	hit     func(req *http.Request) (*http.Response, error)
}

func newDynamoFault(hit func(req *http.Request) (*http.Response, error)) *dynamoFault {
	return &dynamoFault{hit: hit}
}

// install puts f in front of the app's HTTP client (a localtest option).
func (f *dynamoFault) install(c *app.Config) {
	c.AWS.APIOptions = append(c.AWS.APIOptions, func(cfg *aws.Config) {
		f.next = cfg.HTTPClient
		cfg.HTTPClient = f
	})
}

func (f *dynamoFault) Do(req *http.Request) (*http.Response, error) {
	// DynamoDB's calls (and its streams') name their target; SES's do not.
	if f.enabled.Load() && strings.HasPrefix(req.Header.Get("X-Amz-Target"), "DynamoDB") {
		if res, err := f.hit(req); res != nil || err != nil {
			return res, err
		}
	}
	return f.next.Do(req)
}

func TestFaultsDynamoDBThrottling(t *testing.T) {
	t.Parallel()
	// 30 % of requests answered with ThrottlingException before they leave
	// the process.
	var (
		mu    sync.Mutex
		rng   = rand.New(rand.NewPCG(3, 5))
		count atomic.Int64
	)
	th := newDynamoFault(func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		hit := rng.Float64() < 0.30
		mu.Unlock()
		if !hit {
			return nil, nil
		}
		count.Add(1)
		body := `{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}`
		return &http.Response{
			StatusCode: 400, Status: "400 Bad Request", Request: req, ContentLength: int64(len(body)),
			Header: http.Header{"Content-Type": []string{"application/x-amz-json-1.0"}, "X-Amzn-Requestid": []string{"injected"}},
			Body:   io.NopCloser(bytes.NewReader([]byte(body))),
		}, nil
	})
	// On a Local of its own: its 120 creates with the SDK's retries, four
	// at a time, slowed the shared Local for the tests beside it (their
	// calls waited past the harness's 15 s deadline and answered 503).
	e := localtest.Isolated(t, th.install)
	th.enabled.Store(true)
	codes := map[int]int{}
	var refused []map[string]any
	// Four clients at once: the test is mostly the SDK's back-off sleeps,
	// which need not hold the package's parallel slot four times as long.
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < 120; i += 4 {
				body := e2etest.NewMemberBody(e, fmt.Sprintf("Throttled %d", i), "limited")
				res := e.Do("POST", "/v1/members", e.Operator, body)
				mu.Lock()
				codes[res.Status]++
				switch res.Status {
				case 201:
				case 503:
					if res.Header.Get("Retry-After") == "" || res.ErrorMessage() == "" {
						t.Errorf("503 without Retry-After or message: %v %s", res.Header, res.Body)
					}
					refused = append(refused, body)
				default:
					t.Errorf("request %d: got %d %s under throttling, want 201 or 503", i, res.Status, res.Body)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	th.enabled.Store(false)
	t.Logf("under 30%% throttling (%d injected): %v", count.Load(), codes)
	if codes[503] == 0 {
		t.Fatal("no request was refused: the fault was not injected")
	}
	// Nothing half-written: each refused member can be created afresh, and
	// each created one is whole.
	for _, body := range refused {
		e2etest.Expect(t, e.Do("POST", "/v1/members", e.Operator, body), 201, "recreating a refused member")
	}
}

// A note is an append: 50 notes posted at once on one case, from both
// sides, beside an accept, none stating a version, are all applied (the
// previous code applied 1 and answered 49 with 409). Only a stated version
// makes a note depend on the case staying as its author saw it.
func TestFaultsConcurrentUpdatesToOneCase(t *testing.T) {
	t.Parallel()
	// 51 transactions on one item at once: on a Local of its own, where
	// they queue only behind each other. On the shared one, under the
	// parallel suite, some waited past the harness's 15 s deadline (a CI
	// run's 19 notes answered 503), which is the machine's load, not the
	// race this test is about.
	e := localtest.Isolated(t)
	h := e2etest.NewHost(t, e, "Race Case Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Race Case Partner")
	c := e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID))
	id := c.Str("id")
	initial := int(c.JSON()["version"].(float64))
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		codes = map[int]int{}
	)
	type answer struct {
		path string
		res  localtest.Response
	}
	var answers []answer
	post := func(path, token string, body map[string]any) {
		defer wg.Done()
		res := e.Do("POST", "/v1/cases/"+id+path, token, body)
		mu.Lock()
		codes[res.Status]++
		answers = append(answers, answer{path, res})
		mu.Unlock()
	}
	start := time.Now()
	for i := 0; i < 50; i++ {
		token := ptok // the submitter's notes and the receiver's, interleaved
		if i%2 == 1 {
			token = h.Admin
		}
		wg.Add(1)
		go post("/notes", token, map[string]any{"text": fmt.Sprintf("note %d", i)})
		if i == 25 {
			wg.Add(1)
			go post("/accept", h.Admin, map[string]any{"engineer": map[string]any{"name": "Ann", "email": e.Addr("ann")}})
		}
	}
	wg.Wait()
	took := time.Since(start)
	got := e.Do("GET", "/v1/cases/"+id, h.Admin, nil)
	version := int(got.JSON()["version"].(float64))
	t.Logf("50 notes and an accept at once, no version stated: answers %v in %s; version %d → %d, status %s",
		codes, took.Round(time.Millisecond), initial, version, got.Str("status"))
	for _, a := range answers {
		e2etest.Expect(t, a.res, 200, a.path)
	}
	if version-initial != 51 || got.Str("status") != "accepted" {
		t.Errorf("version %d after %d, status %s: want all 51 steps applied and the case accepted", version, initial, got.Str("status"))
	}
	events := e.Do("GET", "/v1/cases/"+id+"/events?limit=200", h.Admin, nil)
	notes := map[string]int{}
	items, _ := events.JSON()["items"].([]any)
	for _, it := range items {
		ev := it.(map[string]any)
		if ev["action"] == "note" {
			notes[ev["text"].(string)]++
		}
	}
	if len(items) != 1+51 || len(notes) != 50 {
		t.Errorf("timeline: %d events, %d distinct notes; want the opening, 50 notes once each and the accept", len(items), len(notes))
	}

	// A stated version still guards: stale, it is a 409 and nothing is written.
	e2etest.Expect(t, e.Do("POST", "/v1/cases/"+id+"/notes", ptok, map[string]any{"text": "as I saw it", "version": initial}), 409, fmt.Sprintf("a note stating stale version %d", initial))
	if v := int(e.Do("GET", "/v1/cases/"+id, h.Admin, nil).JSON()["version"].(float64)); v != version {
		t.Errorf("the refused note moved the case from version %d to %d", version, v)
	}
}

// A note written between an escalation run's read of a due case and its
// write (the run's transaction is held at the wire until the note is in)
// must not put the escalation off to the next run, five minutes later: the
// run reads the case again, finds it still due and escalates it.
func TestFaultsEscalationRacingANote(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	open := time.Date(2026, 11, 23, 10, 0, 0, 0, berlin) // Monday
	clock := localtest.NewClock(open)
	var (
		armed   atomic.Bool
		noteErr error
		e       *localtest.Env
		id      string
		ptok    string
	)
	race := newDynamoFault(func(req *http.Request) (*http.Response, error) {
		if req.Header.Get("X-Amz-Target") != "DynamoDB_20120810.TransactWriteItems" || req.Body == nil {
			return nil, nil
		}
		body, err := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		if err != nil || !bytes.Contains(body, []byte(`"escalation schedule"`)) || !armed.CompareAndSwap(true, false) {
			return nil, nil
		}
		// The submitter asks for news just now; its note commits first.
		note, _ := json.Marshal(map[string]any{"text": "Any news? The customer is waiting."})
		nreq, _ := http.NewRequest("POST", e.URL+"/v1/cases/"+id+"/notes", bytes.NewReader(note))
		nreq.Header.Set("Content-Type", "application/json")
		nreq.Header.Set("Authorization", "Bearer "+ptok)
		res, err := http.DefaultClient.Do(nreq)
		if err == nil {
			res.Body.Close()
			if res.StatusCode != 200 {
				err = fmt.Errorf("note: %s", res.Status)
			}
		}
		noteErr = err
		return nil, nil // now the run's own write goes on, one version behind
	})
	e = localtest.New(t, localtest.WithClock(clock), race.install)
	race.enabled.Store(true)
	h := e2etest.NewHost(t, e, "Esc Race Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok = e2etest.LivePartner(t, e, h, "Esc Race Partner")
	id = e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)).Str("id") // high: PT2H in 08–18 weekdays
	due := open.Add(2 * time.Hour)

	armed.Store(true)
	sum, err := e.App.Escalation.Run(context.Background(), due.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if armed.Load() || noteErr != nil {
		t.Fatalf("the note was not written in the run's way (armed %v, %v): the race was not made", armed.Load(), noteErr)
	}
	got := e.Do("GET", "/v1/cases/"+id, ptok, nil)
	t.Logf("escalation run with a note written between its read and its write: %+v; case at level %v, version %v",
		sum, got.JSON()["escalationLevel"], got.JSON()["version"])
	if sum.Level1 != 1 || got.JSON()["escalationLevel"].(float64) != 1 {
		t.Fatalf("the run escalated %d cases and left the case at level %v: want level 1 in this run, not the next", sum.Level1, got.JSON()["escalationLevel"])
	}
	events := string(e.Do("GET", "/v1/cases/"+id+"/events", ptok, nil).Body)
	if !strings.Contains(events, "Any news?") || !strings.Contains(events, `"level":1`) {
		t.Errorf("the timeline should hold the note and the escalation: %s", events)
	}
	if n := e2etest.CountMails(t, e, e.Addr("storage-escalation"), "[Escalation 1]"); n != 1 {
		t.Errorf("the escalation contact got %d level-1 mails, want 1", n)
	}
}

// A note retried after its answer was lost is added once: the retry with
// the same Idempotency-Key is answered as the first was. The previous code
// ignored the key on notes and added the note twice, with two mails.
func TestFaultsRetriedNoteAddedOnce(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := e2etest.NewHost(t, e, "Retry Note Host", map[string]any{"payment": "host"})
	dep := e2etest.HostDepartment(t, e, h)
	_, ptok := e2etest.LivePartner(t, e, h, "Retry Note Partner")
	id := e.Do("POST", "/v1/cases", ptok, e2etest.CaseBody(dep, h.ProgramID)).Str("id")
	note := map[string]any{"text": "Firmware 9.2.2 does not help either."}

	// The client sends, loses the answer (a timeout, a dropped connection)
	// and sends again, as a client should, with the same key; twice at once
	// too, as an impatient one would.
	first := e.Do("POST", "/v1/cases/"+id+"/notes", ptok, note, "Idempotency-Key", "note-1")
	again := e.Do("POST", "/v1/cases/"+id+"/notes", ptok, note, "Idempotency-Key", "note-1")
	var wg sync.WaitGroup
	var racing [2]localtest.Response
	for i := range racing {
		wg.Add(1)
		go func() {
			defer wg.Done()
			racing[i] = e.Do("POST", "/v1/cases/"+id+"/notes", ptok, note, "Idempotency-Key", "note-1")
		}()
	}
	wg.Wait()
	other := e.Do("POST", "/v1/cases/"+id+"/notes", ptok, map[string]any{"text": "something else"}, "Idempotency-Key", "note-1")

	e2etest.Expect(t, first, 200, "the first note with a key")
	e2etest.Expect(t, again, 200, "retry with the same key")
	if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) {
		t.Errorf("retry with the same key: %d %q %s, want the first answer %d %s replayed",
			again.Status, again.Header.Get("Idempotent-Replayed"), again.Body, first.Status, first.Body)
	}
	for _, r := range racing {
		e2etest.Expect(t, r, 200, "a concurrent retry")
		if r.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("a concurrent retry: %d %s, want the replay", r.Status, r.Body)
		}
	}
	e2etest.Expect(t, other, 422, "the same key with another note")
	var notes int
	items, _ := e.Do("GET", "/v1/cases/"+id+"/events", ptok, nil).JSON()["items"].([]any)
	for _, it := range items {
		if it.(map[string]any)["action"] == "note" {
			notes++
		}
	}
	mails := 0
	for _, m := range e.MailsTo(e.Addr("storage-support")) {
		if strings.Contains(m.Body.Text, "Firmware 9.2.2") {
			mails++
		}
	}
	t.Logf("one note sent 4 times with one key: %d notes on the case, %d mails to the receiver", notes, mails)
	if notes != 1 || mails != 1 {
		t.Errorf("got %d notes and %d mails, want 1 and 1", notes, mails)
	}
	// Without a key, two posts are two notes: an append is not guessed away.
	e.Do("POST", "/v1/cases/"+id+"/notes", ptok, note)
	e.Do("POST", "/v1/cases/"+id+"/notes", ptok, note)
	if got := int(e.Do("GET", "/v1/cases/"+id, ptok, nil).JSON()["version"].(float64)); got != 4 {
		t.Errorf("version %d after opening, one keyed note and two without a key; want 4", got)
	}
}

func TestStalledTableIsA503(t *testing.T) {
	t.Parallel()
	// Every DynamoDB request is held until its context ends: a dependency
	// that accepted the connection and never answers.
	var held atomic.Int64
	st := newDynamoFault(func(req *http.Request) (*http.Response, error) {
		held.Add(1)
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(time.Minute):
			return nil, nil
		}
	})
	e := localtest.New(t, st.install, func(c *app.Config) {
		c.APIDeadline = router.Deadline // the production bound, not the harness's
	})
	h := e2etest.NewHost(t, e, "Stalled Host", nil)
	st.enabled.Store(true)
	start := time.Now()
	res := e.Do("POST", "/v1/programs/"+h.Slug+"/registrations", "", map[string]any{"email": e.Addr("stalled")})
	took := time.Since(start)
	st.enabled.Store(false)
	e2etest.Expect(t, res, 503, "stalled table")
	if res.Header.Get("Retry-After") == "" || res.ErrorMessage() == "" {
		t.Fatalf("stalled table: %d %v %s, want 503 with Retry-After and a message", res.Status, res.Header, res.Body)
	}
	if held.Load() == 0 {
		t.Fatal("no request reached the stalled table: the fault was not injected")
	}
	// A hang would block the test for the staller's minute; this only
	// proves the request was cut off by its deadline, not by that.
	if took > 30*time.Second {
		t.Errorf("a stalled table held the request %s", took)
	}
	t.Logf("stalled table: answered 503 after %s (%d calls held; deadline %s)", took.Round(time.Millisecond), held.Load(), router.Deadline)
	// The table answers again: so does the API. The emulator is shared
	// with every parallel test, and a registration makes six calls in
	// series under the production 2 s bound, so one attempt may still run
	// out of time while another test floods the emulator: the API must
	// answer again within a few attempts.
	var after localtest.Response
	for attempt := 1; attempt <= 5; attempt++ {
		after = e.Do("POST", "/v1/programs/"+h.Slug+"/registrations", "", map[string]any{"email": e.Addr("stalled")})
		if after.Status < 500 {
			t.Logf("after the stall: %d on attempt %d", after.Status, attempt)
			return
		}
		time.Sleep(time.Second)
	}
	t.Errorf("after the stall, five attempts: last %d %s", after.Status, after.Body)
}
