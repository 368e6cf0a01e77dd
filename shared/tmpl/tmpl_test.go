package tmpl

import (
	"strings"
	"testing"
)

type page struct {
	Title string
	Data  any
	Ptr   *page
}

func run(t *testing.T, mode Mode, src, name string, data any) string {
	t.Helper()
	s, err := Parse(mode, nil, src)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var b strings.Builder
	if err := s.Execute(&b, name, data); err != nil {
		t.Fatalf("execute: %v", err)
	}
	return b.String()
}

func TestLanguage(t *testing.T) {
	src := `{{define "main"}}[{{.Title}}|{{.Data.a}}|{{if .Data.flag}}yes{{else if .Data.b}}b{{else}}no{{end}}|` +
		`{{range .Data.list}}<{{.}}>{{end}}|{{range $k, $v := .Data.m}}{{$k}}={{$v}};{{end}}|` +
		`{{with .Data.w}}w:{{.}}{{end}}|{{template "sub" .Data}}|{{$x := .Title}}{{$x}}{{$.Title}}|` +
		`{{if eq .Data.n 3}}three{{end}}{{if ne .Data.a "x"}}ne{{end}}|{{len .Data.list}}|{{print "a" 1 "b"}}|{{join ", " .Data.list}}|{{.Ptr}}]{{end}}` +
		`{{define "sub"}}sub:{{.a}}{{end}}`
	data := page{Title: "T", Data: map[string]any{
		"a": "A", "flag": false, "b": true, "list": []any{"x", "y"}, "m": map[string]any{"k2": 2, "k1": 1},
		"w": "W", "n": float64(3),
	}}
	got := run(t, Text, src, "main", data)
	want := "[T|A|b|<x><y>|k1=1;k2=2;|w:W|sub:A|TT|threene|2|a1b|x, y|]"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestHTMLEscaping(t *testing.T) {
	src := `{{define "p"}}<p title="{{.T}}">{{.T}}</p><a href="{{.U}}">x</a><img src="{{.Ok}}"><style>{{.C}}</style>{{end}}`
	got := run(t, HTML, src, "p", map[string]any{"T": `<script>"&'`, "U": "javascript:alert(1)", "Ok": "https://cdn.example/b.png?a=1&b=2", "C": Raw("a>b{}")})
	for _, want := range []string{"&lt;script&gt;&#34;&amp;&#39;", `href="#ZgotmplZ"`, `src="https://cdn.example/b.png?a=1&amp;b=2"`, "<style>a>b{}</style>"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in %s", want, got)
		}
	}
	if strings.Contains(got, "<script>") {
		t.Errorf("unescaped: %s", got)
	}
}

func TestErrors(t *testing.T) {
	for _, src := range []string{
		`{{define "a"}}{{if .X}}x{{end}`, `{{define "a"}}{{if .X}}x{{define "b"}}{{end}}{{end}}`, `{{.X}}`,
		`{{define "a"}}{{.X.Method "arg"}}{{end}}`, `{{define "a"}}{{(.X}}{{end}}`, `{{define "a"}}{{range .X}}{{end}}`,
	} {
		if _, err := Parse(Text, nil, src); err == nil {
			t.Errorf("Parse(%q) accepted", src)
		}
	}
	s, _ := Parse(Text, nil, `{{define "a"}}{{.Missing}}{{nope 1}}{{end}}{{define "loop"}}{{template "loop" .}}{{end}}`)
	var b strings.Builder
	if err := s.Execute(&b, "a", map[string]any{}); err == nil {
		t.Error("a missing key did not fail")
	}
	if err := s.Execute(&b, "loop", nil); err == nil || !strings.Contains(err.Error(), "nest") {
		t.Errorf("endless recursion: %v", err)
	}
	if err := s.Execute(&b, "none", nil); err == nil {
		t.Error("unknown template executed")
	}
}
