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
	list := func(l collab.QueueList) func() {
		return func() {
			if _, _, err := st.ListQueue(ctx, l, 25, ""); err != nil {
				r.Fatal(err)
			}
		}
	}
	search := func(tok string) func() {
		return func() {
			if _, _, err := st.SearchCases(ctx, host["id"], "", tok, 25, ""); err != nil {
				r.Fatal(err)
			}
		}
	}
	views := make([]collab.QueueList, 0, len(collab.Views))
	for _, l := range []string{collab.QueueNeeds, collab.QueueMine + "usr_x", collab.QueueRunning, collab.QueueOpen, collab.QueueClosed, collab.QueueAll} {
		views = append(views, collab.QueueList{MemberID: host["id"], Side: collab.Receiver, List: l})
	}
	inbox := collab.QueueList{MemberID: host["id"], Side: collab.Receiver, List: collab.QueueOpen}
	rows := []struct {
		name, path string
		store, raw func()
		rawName    string
	}{
		{"inbox, first page (view=open)", "/v1/cases?box=inbox&view=open&limit=25", list(inbox), query("QUEUE#"+host["id"]+"#"+collab.QueueOpen, "", true), "the open list"},
		{"needs_me", "/v1/cases?view=needs_me&limit=25", list(collab.QueueList{MemberID: host["id"], List: collab.QueueNeeds}), query("QUEUE#"+host["id"]+"#"+collab.QueueNeeds, "", false), "the needs list"},
		{"search by ref", "/v1/cases?limit=25&q=" + url.QueryEscape(ref), search(token), query("SEARCH#"+host["id"], token, true), "the search index by token"},
		{"search by a summary word", "/v1/cases?limit=25&q=zeppelin", search("zeppelin"), query("SEARCH#"+host["id"], "zeppelin", true), "the search index by token"},
		{"the console's counts (6 views, each up to 1000)", "/v1/cases?box=inbox&view=open&limit=25&counts=true", func() {
			if _, err := st.CountQueue(ctx, views, collab.MaxCount); err != nil {
				r.Fatal(err)
			}
		}, query("QUEUE#"+host["id"]+"#"+collab.QueueOpen, "", true), "the open list"},
	}
	const runs = 40
	say("## Queue at volume\n")
	say("%d cases received by one member (from 20 partners; 40 %% open, 10 %% asked for information, 30 %% closed or rejected), each with its queue and search entries (seeded in %.0fs). Through the gateway's handler (JSON, the authorizer's read included) beside the one DynamoDB Query the read needs, alternating, %d runs each.\n", n, seeded.Seconds(), runs)
	say("| read | cases on the page | round trips in series | p50 | p99 | the store's read p50 | the Query it needs | its p50 | p50 ÷ Query's (handler / store) |")
	say("|---|---|---|---|---|---|---|---|---|")
	for _, row := range rows {
		var lat, raw, sto []time.Duration
		var m *store.Meter
		var got int
		for i := 0; i < runs; i++ {
			start := time.Now()
			var res localtest.Response
			res, m = e.Metered("GET", row.path, host["token"], nil)
			lat = append(lat, time.Since(start))
			if res.Status != 200 {
				r.Fatalf("%s: %d %.300s", row.name, res.Status, res.Body)
			}
			got = len(res.JSON()["items"].([]any))
			start = time.Now()
			row.raw()
			raw = append(raw, time.Since(start))
			start = time.Now()
			row.store()
			sto = append(sto, time.Since(start))
		}
		p50, p99, q50, s50 := pct(lat, 50), pct(lat, 99), pct(raw, 50), pct(sto, 50)
		say("| %s | %d | %d | %.1f ms | %.1f ms | %.1f ms | %s | %.1f ms | %.1f× / %.1f× |", row.name, got, m.Trips(), ms(p50), ms(p99), ms(s50),
			row.rawName, ms(q50), float64(p50)/float64(q50), float64(s50)/float64(q50))
	}
	say("\nRound trips count the authorizer's credential read. A view or a search is one Query of its list (or of the search index by the token), then one BatchGetItem of the page's cases; the console's counts are six Select COUNT queries side by side (the last row's handler also reads the page beside them; its store column is the counts alone).\n")
}

// pct is the p-th percentile of ds (sorted in place).
func pct(ds []time.Duration, p int) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	i := (len(ds)*p + 99) / 100
	return ds[max(0, min(len(ds)-1, i-1))]
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
	cookie := e.App.Services.Sessions.Cookie() + "=" + secret
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
