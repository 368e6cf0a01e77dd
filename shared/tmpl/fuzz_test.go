package tmpl

import (
	"io"
	"testing"
)

// FuzzTemplates: any source either fails to parse or executes without
// panicking, in both modes.
func FuzzTemplates(f *testing.F) {
	f.Add(`{{define "a"}}{{.X}}{{if .Y}}y{{else if .Z}}z{{end}}{{range $k, $v := .M}}{{$k}}{{end}}{{template "a" .Sub}}{{end}}`)
	f.Add(`{{define "a"}}{{with .X}}{{len .}}{{print . "x" 1}}{{eq . 1 2}}{{end}}{{end}}`)
	f.Add(`{{define "a"}}<a href="{{.X}}">{{.X}}</a>{{end}}`)
	f.Fuzz(func(t *testing.T, src string) {
		data := map[string]any{"X": "javascript:x", "Y": 1, "M": map[string]any{"a": 1}, "Sub": map[string]any{"X": 2}}
		for _, mode := range []Mode{Text, HTML} {
			s, err := Parse(mode, nil, src)
			if err != nil {
				continue
			}
			for name := range s.defs {
				_ = s.Execute(io.Discard, name, data)
			}
		}
	})
}
