package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/gsis.json from the stack")

// gsisGolden lists the table's global secondary indexes as the last
// release that every installation has deployed has them. CloudFormation
// creates or deletes at most one GSI per table update (AWS::DynamoDB::Table,
// GlobalSecondaryIndexes), and an index whose keys or projection change is
// deleted and created again: a deploy that changes more fails and rolls
// back. So a change of one index passes here, a second one fails until the
// first has been deployed everywhere and this file rewritten (-update).
const gsisGolden = "testdata/gsis.json"

// indexChanges counts the GSI operations a deploy from golden to got
// would need: one per index created or deleted, two per index changed.
func indexChanges(golden, got map[string]json.RawMessage) (int, []string) {
	n := 0
	var what []string
	for name, g := range got {
		was, ok := golden[name]
		switch {
		case !ok:
			n++
			what = append(what, "create "+name)
		case !bytes.Equal(was, g):
			n += 2
			what = append(what, "delete and create "+name+" (keys or projection changed)")
		}
	}
	for name := range golden {
		if _, ok := got[name]; !ok {
			n++
			what = append(what, "delete "+name)
		}
	}
	sort.Strings(what)
	return n, what
}

func TestAtMostOneIndexChangePerDeploy(t *testing.T) {
	_, doc := synth(t)
	got := map[string]json.RawMessage{}
	var list []any
	for _, r := range resources(doc, "AWS::DynamoDB::Table") {
		gsis, _ := props(r)["GlobalSecondaryIndexes"].([]any)
		list = gsis
		for _, g := range gsis {
			b, err := json.Marshal(g) // maps marshal with sorted keys: canonical
			if err != nil {
				t.Fatal(err)
			}
			got[g.(map[string]any)["IndexName"].(string)] = b
		}
	}
	if *update {
		b, err := json.MarshalIndent(list, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.FromSlash(gsisGolden), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(filepath.FromSlash(gsisGolden))
	if err != nil {
		t.Fatal(err)
	}
	var recorded []map[string]any
	if err := json.Unmarshal(raw, &recorded); err != nil {
		t.Fatalf("%s: %v", gsisGolden, err)
	}
	golden := map[string]json.RawMessage{}
	for _, g := range recorded {
		b, _ := json.Marshal(g)
		golden[g["IndexName"].(string)] = b
	}
	n, what := indexChanges(golden, got)
	switch {
	case n > 1:
		t.Errorf("a deploy from the indexes in %s would need %d GSI operations (%v); CloudFormation makes one per table update. "+
			"Ship them in separate releases; rewrite the file with -update only once the earlier one is deployed everywhere", gsisGolden, n, what)
	case n == 1:
		t.Logf("one GSI change since %s: %v (deployable; rewrite the file with -update once it is deployed everywhere)", gsisGolden, what)
	}
}

// The counting itself, on lists made up here.
func TestIndexChanges(t *testing.T) {
	ix := func(s string) json.RawMessage { return json.RawMessage(s) }
	base := map[string]json.RawMessage{"A": ix(`{"k":"a"}`), "B": ix(`{"k":"b"}`)}
	for _, c := range []struct {
		name string
		got  map[string]json.RawMessage
		want int
	}{
		{"same", map[string]json.RawMessage{"A": ix(`{"k":"a"}`), "B": ix(`{"k":"b"}`)}, 0},
		{"one added", map[string]json.RawMessage{"A": ix(`{"k":"a"}`), "B": ix(`{"k":"b"}`), "C": ix(`{}`)}, 1},
		{"one removed", map[string]json.RawMessage{"A": ix(`{"k":"a"}`)}, 1},
		{"one changed", map[string]json.RawMessage{"A": ix(`{"k":"x"}`), "B": ix(`{"k":"b"}`)}, 2},
		{"one renamed", map[string]json.RawMessage{"A": ix(`{"k":"a"}`), "C": ix(`{"k":"b"}`)}, 2},
		{"two added", map[string]json.RawMessage{"A": ix(`{"k":"a"}`), "B": ix(`{"k":"b"}`), "C": ix(`{}`), "D": ix(`{}`)}, 2},
	} {
		if got, what := indexChanges(base, c.got); got != c.want {
			t.Errorf("%s: got %d operations (%v), want %d", c.name, got, what, c.want)
		}
	}
}

// make import maps the retained table by its logical id, written in the
// Makefile: it must be the stack's, or the import would find nothing to map.
func TestImportMapsTheTable(t *testing.T) {
	_, doc := synth(t)
	b, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^TABLE_LOGICAL_ID := (\S+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("the Makefile sets no TABLE_LOGICAL_ID")
	}
	var ids []string
	for id := range resources(doc, "AWS::DynamoDB::Table") {
		ids = append(ids, id)
	}
	if len(ids) != 1 || ids[0] != string(m[1]) {
		t.Errorf("the Makefile imports the table as %s; the stack's tables are %v", m[1], ids)
	}
}
