// Command bench is `make bench`: it measures Tandem on this machine against
// DynamoDB Local and the local SES, and prints a markdown report (also
// written to bench-results.md):
//
//   - DynamoDB Local's raw TransactWriteItems rate with 8 writers, and end-to-
//     end case intake through the local gateway with 8 clients, side by side,
//     with the lag of its mail (outbox write → handed to SES) meanwhile;
//   - each route's handler CPU with the table in memory (Go benchmarks);
//   - the capacity each business operation consumes;
//   - the escalation sweep's reads beside few and very many not-due cases;
//   - the queue's reads (views, search) at 10,000 cases of one member;
//   - every function's zip size (from `make build`).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/scripts/localstack"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/awsclient"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/notify/delivery"
	"github.com/tandemhq/tandem/shared/notify/sesmail"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/store"
	"github.com/tandemhq/tandem/shared/store/storetest"
)

// runner plays testing.T for the local harness.
type runner struct {
	cleanups []func()
}

type fatal struct{ msg string }

func (r *runner) Helper()                   {}
func (r *runner) Fatal(a ...any)            { panic(fatal{fmt.Sprint(a...)}) }
func (r *runner) Fatalf(f string, a ...any) { panic(fatal{fmt.Sprintf(f, a...)}) }
func (r *runner) Errorf(f string, a ...any) { fmt.Fprintf(os.Stderr, "bench: "+f+"\n", a...) }
func (r *runner) Skipf(f string, a ...any)  { panic(fatal{fmt.Sprintf(f, a...)}) }
func (r *runner) Logf(f string, a ...any)   { fmt.Fprintf(os.Stderr, f+"\n", a...) }
func (r *runner) Cleanup(f func())          { r.cleanups = append(r.cleanups, f) }
func (r *runner) done() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

var _ storetest.T = (*runner)(nil)

var out bytes.Buffer

func say(format string, a ...any) { fmt.Fprintf(&out, format+"\n", a...) }

func main() {
	cases := flag.Int("cases", 1000, "cases to open in the intake run")
	clients := flag.Int("clients", 8, "concurrent clients and writers")
	notDue := flag.Int("not-due", 100000, "not-due cases beside the 10 due ones in the sweep run")
	only := flag.String("only", "", "run only this phase (queue, with the case page; or casepage) and report it")
	results := flag.String("out", "bench-results.md", "where to write the report")
	flag.Parse()
	r := &runner{}
	code := 0
	func() {
		defer func() {
			if p := recover(); p != nil {
				fmt.Fprintln(os.Stderr, "bench failed:", p)
				code = 1
			}
		}()
		defer r.done()
		run(r, *cases, *clients, *notDue, *only)
	}()
	fmt.Print(out.String())
	if code == 0 {
		if err := os.WriteFile(*results, out.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			code = 1
		} else {
			fmt.Fprintln(os.Stderr, "bench: report written to", *results)
		}
	}
	os.Exit(code)
}

func run(r *runner, nCases, clients, notDue int, only string) {
	ctx := context.Background()
	cache, _ := localstack.CacheDir()
	t0 := time.Now()
	ddb, err := localstack.StartDynamoDB(ctx, 0, filepath.Join(cache, "logs", "dynamodb-bench.log"))
	if err != nil {
		r.Fatal(err)
	}
	r.Cleanup(ddb.Stop)
	jvm := time.Since(t0)
	ses, err := localstack.StartSES(ctx, 0, filepath.Join(cache, "logs", "ses-bench.log"))
	if err != nil {
		r.Fatal(err)
	}
	r.Cleanup(ses.Stop)
	os.Setenv("TANDEM_TEST_DYNAMODB", ddb.Endpoint)
	os.Setenv("TANDEM_TEST_SES", ses.Endpoint)

	say("# Tandem benchmark\n")
	say("Measured %s on %d CPUs (%s/%s, %s), DynamoDB Local 1.25.1 in memory (ready %.1fs after start), aws-ses-v2-local 2.10.2.\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), jvm.Seconds())

	// Each phase gets its own tables and gateway, torn down when it ends,
	// so one phase's background mail does not load the next.
	phase := func(f func(r *runner)) {
		p := &runner{}
		defer p.done()
		f(p)
	}
	// The sweep phase seeds 100,000 cases on a DynamoDB Local of its own:
	// Local's writes slow down with every stream record it keeps (deleted
	// tables' too), and the phases before leave tens of thousands — 10,000
	// cases took 55 s after 4,000 delivered mails, 5 s on a fresh one.
	// So does the SLA report's, whose 10,000 records after the sweep's
	// 100,000 cases timed out.
	fresh := func(name string, f func(r *runner)) func(*runner) {
		return func(p *runner) {
			own, err := localstack.StartDynamoDB(ctx, 0, filepath.Join(cache, "logs", "dynamodb-bench-"+name+".log"))
			if err != nil {
				p.Fatal(err)
			}
			p.Cleanup(own.Stop)
			os.Setenv("TANDEM_TEST_DYNAMODB", own.Endpoint)
			p.Cleanup(func() { os.Setenv("TANDEM_TEST_DYNAMODB", ddb.Endpoint) })
			f(p)
		}
	}
	switch only {
	case "queue":
		phase(fresh("queue", func(p *runner) { queueReads(p, 10000) }))
		phase(casePageReads)
		return
	case "casepage":
		phase(casePageReads)
		return
	}
	var rawRate float64
	phase(func(p *runner) { rawRate = rawTransactions(p, clients, 4000) })
	phase(func(p *runner) { intake(p, nCases, clients, rawRate) })
	handlerCPU()
	phase(capacity)
	phase(fresh("sweep", func(p *runner) { sweepReads(p, notDue) }))
	phase(fresh("report", func(p *runner) { slaReportReads(p, 10000) }))
	phase(fresh("queue", func(p *runner) { queueReads(p, 10000) }))
	phase(casePageReads)
	coldStarts(r, ddb.Endpoint, ses.Endpoint)
	zipSizes()
}

// rawTransactions is DynamoDB Local's own ceiling: one-item transactions
// (an outbox item, with its due-index entry) from n concurrent writers.
func rawTransactions(r *runner, writers, total int) float64 {
	s := storetest.New(r)
	ctx := context.Background()
	now := time.Now().UTC()
	msg := func() notify.Message {
		return notify.Message{ID: ident.New(ident.Outbox, now), Channel: notify.Email, To: []string{"a@b.example"}, CreatedAt: now}
	}
	for i := 0; i < 300; i++ { // warm the JIT
		_ = s.Enqueue(ctx, msg())
	}
	rate, _ := drive(total, writers, func(int) time.Duration {
		start := time.Now()
		if err := s.Enqueue(ctx, msg()); err != nil {
			r.Errorf("raw write: %v", err)
		}
		return time.Since(start)
	})
	say("## Throughput\n")
	say("| measure | value |")
	say("|---|---|")
	say("| DynamoDB Local TransactWriteItems, %d writers (1 item each) | %.0f tx/s |", writers, rate)
	return rate
}

// handOffs is the local SES sender, noting when each mail was handed over.
type handOffs struct {
	next delivery.Sender
	mu   sync.Mutex
	at   map[string]time.Time
}

func (h *handOffs) Send(ctx context.Context, m delivery.Mail) (string, error) {
	id, err := h.next.Send(ctx, m)
	if err == nil {
		h.mu.Lock()
		h.at[m.MessageID] = time.Now()
		h.mu.Unlock()
	}
	return id, err
}

// intake opens cases through the local gateway over HTTP, as clients would.
func intake(r *runner, n, clients int, rawRate float64) {
	cfg, err := awsclient.Load(context.Background(), awsclient.Options{SESEndpoint: storetest.SESEndpoint(r), DynamoDBEndpoint: storetest.Endpoint(r)})
	if err != nil {
		r.Fatal(err)
	}
	sent := &handOffs{next: sesmail.New(awsclient.Sending(cfg), storetest.SESEndpoint(r), ""), at: map[string]time.Time{}}
	e := localtest.New(r, func(c *app.Config) { c.MailSender = sent })
	_, partnerToken, depID, programID := fixture(r, e)
	body := func(i int) []byte {
		b, _ := json.Marshal(map[string]any{
			"departmentId": depID, "programId": programID, "priority": "high", "summary": fmt.Sprintf("Bench case %d", i),
			"description": "Guests freeze during array snapshots.", "fields": map[string]any{"product": "Array 9000"},
			"customer": map[string]any{"company": "Initech", "contactName": "Peter", "contactEmail": "peter@initech.example"},
		})
		return b
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}, Timeout: 30 * time.Second}
	post := func(i int) (time.Duration, int) {
		req, _ := http.NewRequest("POST", e.URL+"/v1/cases", bytes.NewReader(body(i)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+partnerToken)
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			return time.Since(start), 0
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return time.Since(start), res.StatusCode
	}
	for i := 0; i < 100; i++ { // warm-up
		post(-i)
	}
	codes := map[int]int{}
	var mu sync.Mutex
	began := time.Now()
	rate, lat := drive(n, clients, func(i int) time.Duration {
		d, code := post(i)
		mu.Lock()
		codes[code]++
		mu.Unlock()
		return d
	})
	ended := time.Now()
	if codes[201] != n {
		r.Fatalf("intake answers: %v, want %d × 201", codes, n)
	}
	mailLag, behind := lagOf(r, e, sent, began, ended)
	last, m := e.Metered("POST", "/v1/cases", partnerToken, json.RawMessage(body(n)))
	say("| Case intake through the local gateway, %d clients, %d cases | %.0f cases/s |", clients, n, rate)
	say("| intake latency p50 / p99 (p99 ÷ p50) | %.1f ms / %.1f ms (%.1f) |", ms(lat[n/2]), ms(lat[n*99/100]), ms(lat[n*99/100])/ms(lat[n/2]))
	say("| intake round trips to DynamoDB before its transaction (authorizer included) | %d |", m.Trips()-m.Count())
	say("| mail lag under this intake, outbox write → handed to SES, p50 / p99 (%d mails) | %.0f ms / %.0f ms |", len(mailLag), ms(mailLag[len(mailLag)/2]), ms(mailLag[len(mailLag)*99/100]))
	say("| the last of them handed to SES after the intake's last answer | %.1f s |", behind.Seconds())
	rawCase, rawLat := rawIntake(r, e, last.Str("id"), n, clients)
	say("| the same transaction written raw (no reads, no HTTP), %d writers | %.0f tx/s |", clients, rawCase)
	say("| raw latency p50 / p99 | %.1f ms / %.1f ms |", ms(rawLat[len(rawLat)/2]), ms(rawLat[len(rawLat)*99/100]))
	say("| intake rate ÷ raw rate of its transaction | %.2f |", rate/rawCase)
	say("| intake rate ÷ raw one-item rate | %.2f |", rate/rawRate)
	say("\nIntake is its transaction (case, timeline event, idle marker, SLA report record, two outbox mails) after the reads: the authorizer's token, then one round of the department, the caller's member, user, program and place in it, then one of the receiving member and its place.\n")
}

// lagOf waits for the mail of the cases opened in [began, ended] and
// returns, sorted, how long after its outbox write (the item's creation
// instant, taken just before its transaction) each was handed to SES, and
// how long after ended the last one was.
func lagOf(r *runner, e *localtest.Env, sent *handOffs, began, ended time.Time) ([]time.Duration, time.Duration) {
	e.FlushWithin(10 * time.Minute)
	sent.mu.Lock()
	at := maps.Clone(sent.at)
	sent.mu.Unlock()
	var lag []time.Duration
	var last time.Time
	for id, handed := range at {
		m, _, _, err := e.App.Store.GetOutbox(context.Background(), id)
		if err != nil {
			r.Fatal(err)
		}
		if m.CreatedAt.Before(began) || m.CreatedAt.After(ended) {
			continue // the fixture's and the warm-up's
		}
		lag = append(lag, handed.Sub(m.CreatedAt))
		if handed.After(last) {
			last = handed
		}
	}
	if len(lag) == 0 {
		r.Fatal("no mail of the intake reached SES")
	}
	sort.Slice(lag, func(i, j int) bool { return lag[i] < lag[j] })
	return lag, last.Sub(ended)
}

// rawIntake writes the transaction intake writes — a copy of case tmplID,
// its event, idle marker and two mails, fresh ids each time — from writers
// side by side, straight to the store: the ceiling intake runs under.
func rawIntake(r *runner, e *localtest.Env, tmplID string, n, writers int) (float64, []time.Duration) {
	ctx := context.Background()
	tmpl, err := e.App.Store.GetCase(ctx, tmplID)
	if err != nil {
		r.Fatal(err)
	}
	write := func() time.Duration {
		now := time.Now().UTC()
		c := tmpl
		c.ID = ident.New(ident.Case, now)
		ev := collab.Event{ID: ident.New(ident.Event, now), At: now, Actor: "Bench <b@bench.example>", MemberID: c.SubmitterMemberID, Side: collab.Submitter, Action: "open", To: collab.Open}
		data := notify.CaseMail{CaseID: c.ID, Ref: c.ID, Summary: c.Summary, Description: c.Description, Priority: string(c.Priority), ProgramName: c.ProgramName,
			SubmitterName: c.SubmitterName, SubmitterEmail: c.SubmitterEmail, ReceiverName: c.ReceiverName, DepartmentName: c.DepartmentName,
			Link: e.URL + "/cases/" + c.ID, Customer: c.Customer != nil}
		msgs := []notify.Message{
			{ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: "Tandem <t@bench.example>", To: []string{"support@bench.example"}, Ref: c.ID, CreatedAt: now,
				Data: notify.CaseNew{CaseMail: data, AcceptLink: data.Link, RequestInfoLink: data.Link, RejectLink: data.Link}},
			{ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: "Tandem <t@bench.example>", To: []string{c.SubmitterEmail}, Ref: c.ID, CreatedAt: now,
				Data: notify.CaseOpened{CaseMail: data}},
		}
		start := time.Now()
		if err := e.App.Store.CreateCase(ctx, c, ev, msgs, idem.None); err != nil {
			r.Errorf("raw intake: %v", err)
		}
		return time.Since(start)
	}
	for i := 0; i < 50; i++ {
		write()
	}
	return drive(n, writers, func(int) time.Duration { return write() })
}

// drive runs do for 0..n-1 from workers side by side and returns the rate
// per second and the latencies do returned, sorted.
func drive(n, workers int, do func(i int) time.Duration) (float64, []time.Duration) {
	lat := make([]time.Duration, n)
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				lat[i] = do(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	rate := float64(n) / time.Since(start).Seconds()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return rate, lat
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// fixture: a host with a program and department, a partner reaching it.
func fixture(r *runner, e *localtest.Env) (host map[string]string, partnerToken, depID, programID string) {
	hm := e.Do("POST", "/v1/members", e.Operator, memberBody("Bench Host", "host."+e.Domain, "full"))
	hostID, hostToken := hm.Str("id"), hm.Str("adminToken")
	prg := e.Do("POST", "/v1/programs", hostToken, map[string]any{
		"slug": "bench-" + strings.ToLower(ident.ULID(time.Now())[18:]), "name": "Bench Program", "hostMemberId": hostID,
		"type": "partner_program", "payment": "host", "primaryContact": map[string]any{"name": "H", "email": "h@" + e.Domain},
		"addendum": map[string]any{"version": "1", "text": "t"},
	})
	programID = prg.Str("id")
	dep := e.Do("POST", "/v1/members/"+hostID+"/departments", hostToken, map[string]any{
		"name": "Support", "programIds": []string{programID},
		"inbound": map[string]any{"email": "support@" + e.Domain, "hours": "24x7", "escalation": map[string]any{"name": "E", "email": "esc@" + e.Domain}},
	})
	depID = dep.Str("id")
	pm := e.Do("POST", "/v1/members", e.Operator, memberBody("Bench Partner", "partner."+e.Domain, "limited"))
	partnerToken = pm.Str("adminToken")
	now := time.Now().UTC()
	if err := e.App.Store.Seed().Enrollments(context.Background(), []enrollment.Enrollment{{
		ID: ident.New(ident.Enrollment, now), ProgramID: programID, MemberID: pm.Str("id"), MemberName: "Bench Partner",
		HostMemberID: hostID, Status: enrollment.Active, HostPaid: true, CreatedAt: now, UpdatedAt: now, Version: 1,
	}}); err != nil {
		r.Fatal(err)
	}
	if programID == "" || depID == "" || partnerToken == "" {
		r.Fatalf("fixture: program %s department %s", prg.Body, dep.Body)
	}
	return map[string]string{"id": hostID, "token": hostToken}, partnerToken, depID, programID
}

func memberBody(name, domain, kind string) map[string]any {
	return map[string]any{"name": name, "domain": domain, "kind": kind,
		"contacts": map[string]any{"primary": map[string]any{"name": "P", "email": "p@" + domain}}}
}

var benchLine = regexp.MustCompile(`^BenchmarkHandlers/(\S+)-\d+\s+\d+\s+(\d+) ns/op\s+(\d+) B/op\s+(\d+) allocs/op`)

// handlerCPU runs the handler benchmarks (the table in memory).
func handlerCPU() {
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "BenchmarkHandlers", "-benchmem", "-benchtime", "1s", "./shared/httpapp/")
	b, err := cmd.CombinedOutput()
	say("## Handler CPU per route (table in memory)\n")
	if err != nil {
		say("go test -bench failed: %v\n\n```\n%s\n```", err, b)
		return
	}
	say("| route | ns/op | B/op | allocs/op |")
	say("|---|---|---|---|")
	for _, line := range strings.Split(string(b), "\n") {
		if m := benchLine.FindStringSubmatch(line); m != nil {
			say("| %s | %s | %s | %s |", strings.ReplaceAll(m[1], "_", " "), m[2], m[3], m[4])
		}
	}
	say("")
}

// capacity meters each business operation once.
func capacity(r *runner) {
	e := localtest.New(r)
	ctx := context.Background()
	say("## Capacity per business operation\n")
	say("DynamoDB Local's own accounting (it counts a transactional write of a small item with one index as 8 units) and the AWS-equivalent write units computed from item sizes and AWS's rules (2 WCU per KB per transactional item, +1 WCU per KB per index entry).\n")
	say("| operation | round trips (reads before the writes + writes) | transactions | RCU (Local) | WCU (Local) | WCU (AWS est.) | mails |")
	say("|---|---|---|---|---|---|---|")
	measured := map[string]unitCost{}
	base := 0
	mark := func() { base = mailCount(r, e) }
	row := func(name string, m *store.Meter) {
		rd, wr, _, _ := m.Snapshot()
		mails := mailCount(r, e) - base
		measured[name] = awsUnits(m, mails)
		say("| %s | %d + %d | %d | %.1f | %.1f | %.0f | %d |", name, m.Trips()-m.Count(), m.Count(), m.Count(), rd, wr, m.AWS(), mails)
	}
	hm := e.Do("POST", "/v1/members", e.Operator, memberBody("Cap Host", "caphost."+e.Domain, "full"))
	hostID, hostToken := hm.Str("id"), hm.Str("adminToken")
	slug := "cap-" + strings.ToLower(ident.ULID(time.Now())[18:])
	prg := e.Do("POST", "/v1/programs", hostToken, map[string]any{
		"slug": slug, "name": "Cap Program", "hostMemberId": hostID, "type": "partner_program", "payment": "member",
		"primaryContact": map[string]any{"name": "H", "email": "h@" + e.Domain}, "addendum": map[string]any{"version": "1", "text": "t"},
	})
	programID := prg.Str("id")
	dep := e.Do("POST", "/v1/members/"+hostID+"/departments", hostToken, map[string]any{
		"name": "Support", "programIds": []string{programID},
		"inbound": map[string]any{"email": "support@" + e.Domain, "hours": "24x7", "escalation": map[string]any{"name": "E", "email": "esc@" + e.Domain}},
	})
	domain := "cappartner." + e.Domain
	email := "primary@" + domain
	e.Do("POST", "/v1/programs/"+slug+"/registrations", "", map[string]any{"email": email})
	link := e.Mail(email, "Confirm your email").Body.Text
	tok := regexp.MustCompile(`token=(\S+)`).FindStringSubmatch(link)[1]
	c := func(role string) map[string]any { return map[string]any{"name": "N", "email": role + "@" + domain} }
	mark()
	signup, m := e.Metered("POST", "/v1/signups", "", map[string]any{
		"token": tok, "company": map[string]any{"name": "Cap Partner", "website": "https://" + domain, "country": "DE"},
		"contacts":       map[string]any{"primary": c("primary"), "support": c("support"), "escalation": c("escalation"), "billing": c("billing")},
		"inbound":        map[string]any{"email": "in@" + domain, "phone": "+49 30 1234567", "hours": "24x7"},
		"acceptAddendum": map[string]any{"version": "1", "name": "N", "title": "T"},
	})
	if signup.Status != 201 {
		r.Fatalf("signup: %d %s", signup.Status, signup.Body)
	}
	row("sign-up", m)
	enr := signup.Str("enrollmentId")
	mark()
	res, m := e.Metered("POST", "/v1/enrollments/"+enr+"/approve", hostToken, map[string]any{})
	if res.Status != 200 {
		r.Fatalf("approve: %d %s", res.Status, res.Body)
	}
	row("approve", m)

	pm := e.Do("POST", "/v1/members", e.Operator, memberBody("Cap Engineer Co", "capeng."+e.Domain, "limited"))
	now := time.Now().UTC()
	_ = e.App.Store.Seed().Enrollments(ctx, []enrollment.Enrollment{{ID: ident.New(ident.Enrollment, now), ProgramID: programID, MemberID: pm.Str("id"),
		MemberName: "Cap Engineer Co", HostMemberID: hostID, Status: enrollment.Active, CreatedAt: now, UpdatedAt: now, Version: 1}})
	caseBody := map[string]any{"departmentId": dep.Str("id"), "programId": programID, "priority": "high", "summary": "Freeze",
		"description": "Guests freeze.", "fields": map[string]any{"product": "Array"},
		"customer": map[string]any{"company": "C", "contactName": "N", "contactEmail": "n@c.example"}}
	mark()
	cs, m := e.Metered("POST", "/v1/cases", pm.Str("adminToken"), caseBody, "Idempotency-Key", "cap-1")
	if cs.Status != 201 {
		r.Fatalf("case: %d %s", cs.Status, cs.Body)
	}
	row("case intake (with Idempotency-Key)", m)
	mark()
	_, m = e.Metered("POST", "/v1/cases", pm.Str("adminToken"), caseBody, "Idempotency-Key", "cap-1")
	row("duplicate intake (replayed)", m)
	mark()
	_, m = e.Metered("GET", "/v1/cases/"+cs.Str("id"), hostToken, nil)
	row("case read", m)
	mark()
	_, m = e.Metered("POST", "/v1/cases/"+cs.Str("id")+"/accept", hostToken, map[string]any{"engineer": map[string]any{"name": "A", "email": "a@" + e.Domain}})
	row("accept", m)
	mark()
	_, m = e.Metered("POST", "/v1/cases/"+cs.Str("id")+"/notes", hostToken, map[string]any{"text": "Collecting logs now."})
	row("note", m)
	mark()
	_, m = e.Metered("POST", "/v1/cases/"+cs.Str("id")+"/close", pm.Str("adminToken"), map[string]any{"resolution": "Fixed in 9.2.2"})
	row("close", m)
	mark()
	m = meterDelivery(r, e)
	row("one mail delivered (claim, send, mark sent)", m)

	late := e.Do("POST", "/v1/cases", pm.Str("adminToken"), caseBody)
	due, _ := time.Parse(time.RFC3339, late.Str("responseDueAt"))
	mark()
	m = &store.Meter{}
	sum, err := e.App.Escalation.Run(store.WithMeter(ctx, m), due.Add(time.Minute))
	if err != nil || sum.Level1 != 1 {
		r.Fatalf("escalation: %+v %v", sum, err)
	}
	row("one escalation (sweep + level 1)", m)

	bh := e.Do("POST", "/v1/members", e.Operator, memberBody("Bill Host", "billhost."+e.Domain, "full"))
	bp := e.Do("POST", "/v1/programs", bh.Str("adminToken"), map[string]any{
		"slug": "bill-" + strings.ToLower(ident.ULID(time.Now())[18:]), "name": "Bill Program", "hostMemberId": bh.Str("id"),
		"type": "oem", "payment": "host", "startDate": "2025-01-15", "primaryContact": map[string]any{"name": "H", "email": "h@" + e.Domain},
		"addendum": map[string]any{"version": "1", "text": "t"},
	})
	var ms []member.Member
	var es []enrollment.Enrollment
	for i := 0; i < 30; i++ {
		mb := member.Member{ID: ident.New(ident.Member, now), Name: fmt.Sprintf("P%d", i), Domain: fmt.Sprintf("p%d.%s", i, e.Domain), Kind: member.Limited, CreatedAt: now, UpdatedAt: now, Version: 1}
		ms = append(ms, mb)
		es = append(es, enrollment.Enrollment{ID: ident.New(ident.Enrollment, now), ProgramID: bp.Str("id"), MemberID: mb.ID, HostMemberID: bh.Str("id"),
			Status: enrollment.Active, HostPaid: true, CreatedAt: now, UpdatedAt: now, Version: 1})
	}
	_ = e.App.Store.Seed().Members(ctx, ms)
	_ = e.App.Store.Seed().Enrollments(ctx, es)
	mark()
	m = &store.Meter{}
	bs, err := e.App.Billing.Run(store.WithMeter(ctx, m), time.Date(2026, 1, 15, 7, 0, 0, 0, time.UTC))
	if err != nil || bs.Invoices != 1 {
		r.Fatalf("billing: %+v %v", bs, err)
	}
	row("one host invoice (30 partners counted)", m)
	for _, sw := range []struct {
		name string
		run  func(context.Context, time.Time) error
	}{
		{"redrive sweep, nothing due", func(ctx context.Context, at time.Time) error { _, err := e.App.Redrive.Run(ctx, at); return err }},
		{"escalation sweep, nothing due", func(ctx context.Context, at time.Time) error { _, err := e.App.Escalation.Run(ctx, at); return err }},
		{"daily sweep (renewals, billing or housekeeping), nothing due", func(ctx context.Context, at time.Time) error { _, err := e.App.Housekeeping.Run(ctx, at); return err }},
	} {
		mark()
		m = &store.Meter{}
		if err := sw.run(store.WithMeter(ctx, m), time.Now().UTC().Add(-time.Hour)); err != nil {
			r.Fatalf("%s: %v", sw.name, err)
		}
		row(sw.name, m)
	}
	say("")
	costPerPartnerYear(measured)
}

// mailCount is how many mails the local SES holds, once the stream is
// drained.
func mailCount(r *runner, e *localtest.Env) int {
	e.Flush()
	all, err := e.SES.All(context.Background())
	if err != nil {
		r.Fatal(err)
	}
	return len(all)
}

// meterDelivery meters the notifier's work for one mail: claim, render,
// send, mark sent (the stream poller may claim a message first; then
// another is tried).
func meterDelivery(r *runner, e *localtest.Env) *store.Meter {
	ctx := context.Background()
	for try := 0; try < 10; try++ {
		now := time.Now().UTC()
		msg := notify.Message{ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: "Tandem <t@bench.example>", To: []string{"n@" + e.Domain},
			Ref: "bench", CreatedAt: now, Data: notify.CaseOpened{CaseMail: notify.CaseMail{CaseID: "cas_X", Ref: "TDM-BENCH234", Summary: "Bench", Link: e.URL}}}
		m := &store.Meter{}
		if err := e.App.Store.Enqueue(ctx, msg); err != nil {
			r.Fatal(err)
		}
		out, err := e.App.Delivery.Deliver(store.WithMeter(ctx, m), msg.ID, now)
		if err != nil {
			r.Fatal(err)
		}
		if out == "sent" {
			return m
		}
	}
	r.Fatalf("the stream poller delivered every metered message first")
	return nil
}

// sweepReads compares the escalation sweep's reads beside 100 and beside
// many not-due cases.
func sweepReads(r *runner, many int) {
	e := localtest.New(r)
	host, _, depID, programID := fixture(r, e)
	me := e.App.Store
	ctx := context.Background()
	now := time.Now().UTC()
	mk := func(n int, due time.Time) []collab.Case {
		out := make([]collab.Case, n)
		for i := range out {
			out[i] = collab.Case{ID: ident.New(ident.Case, now), ProgramID: programID, ProgramName: "P", ProgramType: program.PartnerProgram,
				SubmitterMemberID: "mem_x", SubmitterName: "S", SubmitterEmail: "s@" + e.Domain, ReceiverMemberID: host["id"], ReceiverName: "R",
				DepartmentID: depID, DepartmentName: "D", Priority: program.High, Summary: "s", Description: "d", Status: collab.Open,
				SLA: 2 * time.Hour, ResponseDueAt: due, Level2DueAt: due.Add(2 * time.Hour), CreatedAt: now, UpdatedAt: now, Version: 1}
		}
		return out
	}
	measure := func(at time.Time, notDue int) (int, float64, time.Duration) {
		seedStart := time.Now()
		if err := me.Seed().Cases(ctx, append(mk(10, at.Add(-time.Minute)), mk(notDue, at.Add(30*24*time.Hour))...)); err != nil {
			r.Fatal(err)
		}
		seeded := time.Since(seedStart)
		m := &store.Meter{}
		sum, err := e.App.Escalation.Run(store.WithMeter(ctx, m), at)
		if err != nil || sum.Level1 != 10 {
			r.Fatalf("sweep: %+v %v", sum, err)
		}
		rd, _, _, items := m.Snapshot()
		return items, rd, seeded
	}
	smallItems, smallRCU, _ := measure(now, 100)
	bigItems, bigRCU, seeded := measure(now.Add(time.Minute), many)
	say("## Escalation sweep reads\n")
	say("| open cases in the table | due | items read by the run | RCU (Local) |")
	say("|---|---|---|---|")
	say("| 10 due + 100 not due | 10 | %d | %.1f |", smallItems, smallRCU)
	say("| 10 due + %d not due (seeded in %.0fs) | 10 | %d | %.1f |", many, seeded.Seconds(), bigItems, bigRCU)
	say("\nItems read = the due-index entries queried plus each due case, its department and program; the not-due cases are never read.\n")
}

// slaReportReads seeds the report records of n cases (a year, 20
// receiving members) for one program and measures the report over them:
// one Query over the program's report partition, paged.
func slaReportReads(r *runner, n int) {
	e := localtest.New(r)
	host, _, _, programID := fixture(r, e)
	from := time.Date(time.Now().UTC().Year()-1, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(1, 0, 0)
	step := to.Sub(from) / time.Duration(n)
	cs := make([]collab.Case, n)
	for i := range cs {
		at := from.Add(step * time.Duration(i))
		c := collab.Case{ID: ident.New(ident.Case, at), ProgramID: programID, ReceiverMemberID: fmt.Sprintf("mem_bench%02d", i%20),
			ReceiverName: fmt.Sprintf("Bench Member %02d", i%20), Status: collab.Accepted, CreatedAt: at, UpdatedAt: at,
			ResponseDueAt: at.Add(2 * time.Hour), RespondedAt: at.Add(time.Duration(i%240) * time.Minute)}
		if i%240 > 120 {
			c.EscalationLevel = 1
		}
		cs[i] = c
	}
	seedStart := time.Now()
	if err := e.App.Store.Seed().SLARecords(context.Background(), cs); err != nil {
		r.Fatal(err)
	}
	seeded := time.Since(seedStart)
	path := "/v1/reports/sla?programId=" + programID + "&from=" + from.Format(time.DateOnly) + "&to=" + to.Format(time.DateOnly)
	var lat []time.Duration
	var m *store.Meter
	for i := 0; i < 5; i++ {
		start := time.Now()
		var res localtest.Response
		res, m = e.Metered("GET", path, host["token"], nil)
		lat = append(lat, time.Since(start))
		if res.Status != 200 || res.JSON()["total"].(map[string]any)["cases"].(float64) != float64(n) {
			r.Fatalf("report: %d %.300s", res.Status, res.Body)
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	rd, _, _, items := m.Snapshot()
	say("## SLA report at volume\n")
	say("| cases in the period | records read | read calls | round trips | RCU (Local) | median time (5 runs, JSON) |")
	say("|---|---|---|---|---|---|")
	say("| %d (a year, 20 members; seeded in %.1fs) | %d | %d | %d | %.1f | %.0f ms |", n, seeded.Seconds(), items, m.ReadCalls, m.Trips(), rd, ms(lat[len(lat)/2]))
	say("\nOne record per case (about 250 bytes) under the program's report partition, read by Query on the period's key range; the program read and the authorizer's are in the figures.\n")
}

func zipSizes() {
	b, err := os.ReadFile(filepath.Join("dist", "sizes.json"))
	say("## Function zip sizes (make build: arm64, provided.al2023, reproducible)\n")
	if err != nil {
		say("dist/sizes.json is missing: run make build first.\n")
		return
	}
	var sizes []struct {
		Function  string `json:"function"`
		Bootstrap int64  `json:"bootstrapBytes"`
		Zip       int64  `json:"zipBytes"`
	}
	_ = json.Unmarshal(b, &sizes)
	say("| function | bootstrap | zip | of the 4 MiB budget |")
	say("|---|---|---|---|")
	for _, s := range sizes {
		say("| %s | %.2f MiB | %.2f MiB | %.0f%% |", s.Function, float64(s.Bootstrap)/(1<<20), float64(s.Zip)/(1<<20), 100*float64(s.Zip)/(4<<20))
	}
	say("")
}
