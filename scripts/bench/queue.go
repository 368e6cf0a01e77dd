package main

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/store"
)

// queueWords make the seeded cases' summaries: four of them each.
var queueWords = []string{"snapshot", "freeze", "latency", "firmware", "upgrade", "replication", "timeout", "cluster", "licence",
	"backup", "restore", "kernel", "driver", "network", "storage", "volume", "quota", "certificate", "login", "crash",
	"memory", "leak", "disk", "failover", "controller", "array", "node", "switch", "router", "vlan", "dns", "proxy",
	"gateway", "billing", "invoice", "report", "export", "import", "sync", "schedule", "agent", "plugin", "api", "token",
	"webhook", "alert", "monitor", "dashboard", "zeppelin", "printer"}

// queueReads seeds n cases received by one member (with their queue and
// search entries, as their own transactions write them) and measures the
// queue's reads through the gateway's handler: the inbox's first page,
// needs_me, a search by reference and one by a summary word — round trips
// in series and p50/p99 — each beside the p50 of the one DynamoDB Query it
// needs (the view's list, or the search index by the token), run side by
// side in this one run.
func queueReads(r *runner, n int) {
	e := localtest.New(r)
	host, _, depID, programID := fixture(r, e)
	ctx := context.Background()
	now := time.Now().UTC()
	statuses := []collab.Status{collab.Open, collab.Open, collab.Open, collab.Open, collab.Accepted, collab.Accepted,
		collab.InformationRequested, collab.Closed, collab.Closed, collab.Rejected}
	cs := make([]collab.Case, n)
	for i := range cs {
		at := now.Add(-time.Duration(n-i) * time.Minute)
		c := collab.Case{ID: ident.New(ident.Case, at), Ref: collab.NewRef(), ProgramID: programID, ProgramName: "P", ProgramType: program.PartnerProgram,
			SubmitterMemberID: fmt.Sprintf("mem_benchpartner%02d", i%20), SubmitterName: fmt.Sprintf("Partner %02d", i%20), SubmitterEmail: "s@" + e.Domain,
			ReceiverMemberID: host["id"], ReceiverName: "Bench Host", DepartmentID: depID, DepartmentName: "Support", Priority: program.High,
			Summary:     fmt.Sprintf("%s %s %s %s", queueWords[i%50], queueWords[(i/50)%50], queueWords[(i*7)%50], queueWords[(i*13)%50]),
			Description: "d", Customer: &collab.Customer{Company: fmt.Sprintf("Customer %03d", i%300), ContactName: "C", ContactEmail: "c@x.example", CaseNumber: fmt.Sprintf("CS-%05d", i)},
			SubmitterCaseNumber: fmt.Sprintf("P-%05d", i), Status: statuses[i%len(statuses)], SLA: 4 * time.Hour,
			ResponseDueAt: at.Add(4 * time.Hour), Level2DueAt: at.Add(8 * time.Hour), CreatedAt: at, UpdatedAt: at, Version: 1}
		if c.Status != collab.Open {
			c.RespondedAt = at.Add(time.Hour)
		}
		cs[i] = c
	}
	seedStart := time.Now()
	if err := e.App.Store.Seed().Cases(ctx, cs); err != nil {
		r.Fatal(err)
	}
	seeded := time.Since(seedStart)
	ref := cs[n/2].Ref

	db, table := e.App.Store.Client(), e.App.Store.Table()
	// The one Query each read needs: the view's list (or the search index
	// by the token), a page of 25, as the store asks it.
	query := func(pk, prefix string, newestFirst bool) func() {
		return func() {
			in := &dynamodb.QueryInput{TableName: aws.String(table), KeyConditionExpression: aws.String("PK = :pk"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
				Limit:                     aws.Int32(25), ScanIndexForward: aws.Bool(!newestFirst)}
			if prefix != "" {
				in.KeyConditionExpression = aws.String("PK = :pk AND begins_with(SK, :p)")
				in.ExpressionAttributeValues[":p"] = &types.AttributeValueMemberS{Value: prefix}
			}
			if _, err := db.Query(ctx, in); err != nil {
				r.Fatal(err)
			}
		}
	}
	token, _, _ := collab.SearchQuery(ref)
	st := e.App.Store
	cookie := signIn(r, e, host)
	list := func(l collab.QueueList) func() {
		return func() {
			if _, _, err := st.ListQueueRows(ctx, l, 25, ""); err != nil {
				r.Fatal(err)
			}
		}
	}
	search := func(tok string) func() {
		return func() {
			if _, _, err := st.SearchCaseRows(ctx, host["id"], collab.Receiver, tok, 25, ""); err != nil {
				r.Fatal(err)
			}
		}
	}
	views := make([]collab.QueueList, 0, len(collab.Views))
	for _, l := range []string{collab.QueueNeeds, collab.QueueMine + "usr_x", collab.QueueRunning, collab.QueueOpen, collab.QueueClosed, collab.QueueAll} {
		l := collab.QueueList{MemberID: host["id"], Side: collab.Receiver, List: l}
		if l.List == collab.QueueRunning {
			l.DueBy = time.Now()
		}
		views = append(views, l)
	}
	counts := func() {
		if _, err := st.CountQueue(ctx, views, collab.MaxCount); err != nil {
			r.Fatal(err)
		}
	}
	inbox := collab.QueueList{MemberID: host["id"], Side: collab.Receiver, List: collab.QueueOpen}
	needs := collab.QueueList{MemberID: host["id"], Side: collab.Receiver, List: collab.QueueNeeds}
	rows := []struct {
		name, page, api string
		store, raw      func()
		rawName         string
	}{
		{"inbox, first page (view=open)", "/inbox?view=open", "/v1/cases?box=inbox&view=open&limit=25", list(inbox), query("QUEUE#"+host["id"]+"#"+collab.QueueOpen, "", true), "the open list"},
		{"needs_me", "/inbox?view=needs_me", "/v1/cases?box=inbox&view=needs_me&limit=25", list(needs), query("QUEUE#"+host["id"]+"#"+collab.QueueNeeds, "", false), "the needs list"},
		{"search by ref", "/inbox?q=" + url.QueryEscape(ref), "/v1/cases?box=inbox&limit=25&q=" + url.QueryEscape(ref), search(token), query("SEARCH#"+host["id"], token, true), "the search index by token"},
		{"search by a summary word", "/inbox?q=zeppelin", "/v1/cases?box=inbox&limit=25&q=zeppelin", search("zeppelin"), query("SEARCH#"+host["id"], "zeppelin", true), "the search index by token"},
	}
	const runs = 40
	type sample struct {
		lat   []time.Duration
		trips int
		got   int
	}
	page := func(path, cookie, token string, s *sample) {
		start := time.Now()
		var res localtest.Response
		var m *store.Meter
		if cookie != "" {
			res, m = e.Metered("GET", path, "", nil, "Cookie", cookie)
		} else {
			res, m = e.Metered("GET", path, token, nil)
		}
		s.lat = append(s.lat, time.Since(start))
		if res.Status != 200 {
			r.Fatalf("%s: %d %.300s", path, res.Status, res.Body)
		}
		s.trips = m.Trips()
		if cookie == "" {
			s.got = len(res.JSON()["items"].([]any))
		} else {
			s.got = strings.Count(string(res.Body), `href="/cases/cas_`)
		}
	}
	timed := func(f func(), into *[]time.Duration) {
		start := time.Now()
		f()
		*into = append(*into, time.Since(start))
	}
	say("## Queue at volume\n")
	say("%d cases received by one member (from 20 partners; 40 %% open, 10 %% asked for information, 30 %% closed or rejected), each with its queue and search entries (seeded in %.0fs). Each read beside the one DynamoDB Query it needs (a page of 25 of the view's list, or of the search index by the token), alternating, %d runs each, in this one run: the console's page (signed in, the session's reads included, the six counts read beside the list), the store's read of the page's rows, the JSON API's page (the authorizer's read included; it returns whole cases, so it reads them after the list) and the counts alone.\n", n, seeded.Seconds(), runs)
	say("| read | cases on the page | console page: round trips in series | p50 | p99 | the store's rows p50 | JSON API: round trips | p50 | the Query it needs | its p50 | p50 ÷ Query's (page / rows / JSON) |")
	say("|---|---|---|---|---|---|---|---|---|---|---|")
	var countLat, countQ []time.Duration
	for _, row := range rows {
		var con, api sample
		var raw, sto []time.Duration
		for i := 0; i < runs; i++ {
			page(row.page, cookie, "", &con)
			timed(row.raw, &raw)
			timed(row.store, &sto)
			page(row.api, "", host["token"], &api)
			timed(counts, &countLat)
			timed(query("QUEUE#"+host["id"]+"#"+collab.QueueOpen, "", true), &countQ)
		}
		if con.got != api.got {
			r.Fatalf("%s: the console page lists %d cases, the API %d", row.name, con.got, api.got)
		}
		q50 := pct(raw, 50)
		p50, p99, s50, a50 := pct(con.lat, 50), pct(con.lat, 99), pct(sto, 50), pct(api.lat, 50)
		say("| %s | %d | %d | %.1f ms | %.1f ms | %.1f ms | %d | %.1f ms | %s | %.1f ms | %.1f× / %.1f× / %.1f× |", row.name, con.got, con.trips, ms(p50), ms(p99), ms(s50),
			api.trips, ms(a50), row.rawName, ms(q50), float64(p50)/float64(q50), float64(s50)/float64(q50), float64(a50)/float64(q50))
	}
	c50, c99, cq := pct(countLat, 50), pct(countLat, 99), pct(countQ, 50)
	say("| the console's counts alone (6 views up to %d: the counters' BatchGetItem beside a Select COUNT of the running list's entries not yet due) | | 1 | %.1f ms | %.1f ms | | | | the open list | %.1f ms | %.1f× |", collab.MaxCount, ms(c50), ms(c99), ms(cq), float64(c50)/float64(cq))
	say("\nRound trips count the session's read (the console: the session, its user and member side by side, one round trip) or the authorizer's credential read (the API). A console page is then one Query of its list (or of the search index by the token): the entries carry the rows it shows; the counts run beside it (the member's counters, kept in the cases' transactions) and the page waits for them. The JSON API returns whole cases, so it reads them after the list (one BatchGetItem).\n")
}

// signIn is a console session's cookie for the host's first user.
func signIn(r *runner, e *localtest.Env, host map[string]string) string {
	ctx := context.Background()
	users := e.Do("GET", "/v1/members/"+host["id"]+"/users", host["token"], nil).JSON()["items"].([]any)
	u, err := e.App.Store.GetUser(ctx, host["id"], users[0].(map[string]any)["id"].(string))
	if err != nil {
		r.Fatal(err)
	}
	plain, err := e.App.Services.Sessions.IssueLink(ctx, u, "/inbox")
	if err != nil {
		r.Fatal(err)
	}
	secret, _, _, err := e.App.Services.Sessions.SignIn(ctx, plain)
	if err != nil {
		r.Fatal(err)
	}
	return e.App.Services.Sessions.Cookie() + "=" + secret
}

// casePageReads measures the console's case page of a case with 50
// timeline entries (the opening and 49 notes from both sides): round
// trips in series and p50/p99 through the gateway's handler with a
// session, beside the one DynamoDB Query that reads the case's partition
// (the case and its events), alternating, in one run.
func casePageReads(r *runner) {
	e := localtest.New(r)
	host, partnerToken, depID, programID := fixture(r, e)
	ctx := context.Background()
	c := e.Do("POST", "/v1/cases", partnerToken, map[string]any{"departmentId": depID, "programId": programID, "priority": "high",
		"summary": "Snapshots stall guests", "description": "Since firmware 9.2 every nightly snapshot stalls guests for 40 s.",
		"customer": map[string]any{"company": "Initech", "contactName": "Peter Gibbons", "contactEmail": "peter@initech.example"},
		"fields":   map[string]any{"product": "Array 9000"}})
	id := c.Str("id")
	if id == "" {
		r.Fatalf("open the case: %d %.300s", c.Status, c.Body)
	}
	for i := 1; i < 50; i++ {
		tok := partnerToken
		if i%2 == 0 {
			tok = host["token"]
		}
		if res := e.Do("POST", "/v1/cases/"+id+"/notes", tok, map[string]any{"text": fmt.Sprintf("Note %d: what we found so far, in a few lines of text.", i)}); res.Status != 200 {
			r.Fatalf("note %d: %d %.300s", i, res.Status, res.Body)
		}
	}
	cookie := signIn(r, e, host)
	db, table := e.App.Store.Client(), e.App.Store.Table()
	partition := func() {
		if _, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(table), KeyConditionExpression: aws.String("PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "CASE#" + id}}}); err != nil {
			r.Fatal(err)
		}
	}
	const runs = 40
	var lat, raw []time.Duration
	var m *store.Meter
	for i := 0; i < runs; i++ {
		start := time.Now()
		var res localtest.Response
		res, m = e.Metered("GET", "/cases/"+id, "", nil, "Cookie", cookie)
		lat = append(lat, time.Since(start))
		if res.Status != 200 || !strings.Contains(string(res.Body), "Note 49:") {
			r.Fatalf("the case page: %d %.300s", res.Status, res.Body)
		}
		start = time.Now()
		partition()
		raw = append(raw, time.Since(start))
	}
	p50, p99, q50 := pct(lat, 50), pct(lat, 99), pct(raw, 50)
	say("## The case page\n")
	say("The console's page of a case with 50 timeline entries (the opening and 49 notes from both sides), signed in, through the gateway's handler, beside the one DynamoDB Query of the case's partition (the case and its events), alternating, %d runs.\n", runs)
	say("| read | round trips in series | p50 | p99 | the Query of the case's partition, p50 | p50 ÷ Query's |")
	say("|---|---|---|---|---|---|")
	say("| the case page, 50 entries | %d | %.1f ms | %.1f ms | %.1f ms | %.1f× |\n", m.Trips(), ms(p50), ms(p99), ms(q50), float64(p50)/float64(q50))
	say("Round trips count the session's read.\n")
}

// pct is the p-th percentile of ds (sorted in place).
func pct(ds []time.Duration, p int) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	i := (len(ds)*p + 99) / 100
	return ds[max(0, min(len(ds)-1, i-1))]
}
