package routes

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		method, path, key string
		params            map[string]string
		known             bool
	}{
		{"POST", "/v1/members", "POST /v1/members", nil, true},
		{"GET", "/v1/members/mem_1", "GET /v1/members/{id}", map[string]string{"id": "mem_1"}, true},
		{"DELETE", "/v1/members/m/users/u", "DELETE /v1/members/{id}/users/{userId}", map[string]string{"id": "m", "userId": "u"}, true},
		{"PUT", "/v1/members", "", nil, true},
		{"GET", "/v1/members//x", "", nil, false},
		{"GET", "/nothing", "", nil, false},
	}
	for _, c := range cases {
		r, params, known := Match(c.method, c.path)
		if r.Key() != strings.TrimSpace(c.key) && !(c.key == "" && r.Path == "") {
			t.Errorf("Match(%s %s) = %q, want %q", c.method, c.path, r.Key(), c.key)
		}
		if known != c.known {
			t.Errorf("Match(%s %s) known = %v, want %v", c.method, c.path, known, c.known)
		}
		for k, v := range c.params {
			if params[k] != v {
				t.Errorf("Match(%s %s) param %s = %q, want %q", c.method, c.path, k, params[k], v)
			}
		}
	}
}

// The table is consistent: unique keys, known functions, JSON or form
// bodies only on writes, pages never behind the token authorizer.
func TestTableIsConsistent(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Table {
		if seen[r.Key()] {
			t.Errorf("duplicate route %s", r.Key())
		}
		seen[r.Key()] = true
		f, ok := FunctionByName(r.Function)
		if !ok || f.Kind != HTTP {
			t.Errorf("route %s: function %q is not an HTTP function", r.Key(), r.Function)
		}
		if (r.Method == "GET" || r.Method == "DELETE") && r.Body != NoBody {
			t.Errorf("route %s takes a body", r.Key())
		}
		if r.Page && r.Auth == Token {
			t.Errorf("page %s needs a token; browsers cannot send one", r.Key())
		}
		if r.Create && r.Method != "POST" {
			t.Errorf("create route %s is not a POST", r.Key())
		}
	}
	for _, s := range Schedules {
		f, ok := FunctionByName(s.Function)
		if !ok || f.Kind != Scheduled {
			t.Errorf("schedule %s: function %q is not scheduled", s.Name, s.Function)
		}
		if len(s.Steps) == 0 {
			t.Errorf("schedule %s names no step", s.Name)
		}
		steps := map[string]bool{}
		for _, st := range s.Steps {
			if st == "" || steps[st] {
				t.Errorf("schedule %s: step %q is empty or named twice", s.Name, st)
			}
			steps[st] = true
		}
	}
}
