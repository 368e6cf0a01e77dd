// Package tmpl is a small template language for Tandem's mail and pages,
// close to text/template's syntax: {{.Field.Sub}}, {{$}}, {{if}} / {{else
// if}} / {{else}}, {{with}}, {{range}} (with "$k, $v :=" over maps),
// {{define}} and {{template "name" .}}, and the functions eq, ne, not, len,
// print, join.
//
// Why not text/template and html/template: they call methods by name
// through reflection, which makes the Go linker keep every exported method
// of every type in the binary. In functions that also carry the AWS SDK
// that costs about a megabyte per zip, past the 4 MiB budget. This engine
// reads struct fields and map keys only, never methods.
//
// In HTML mode every value printed is escaped, except values of type Raw;
// a value printed into an href, src or action attribute that is not an
// http(s), mailto or relative URL is replaced by "#ZgotmplZ", as
// html/template does.
package tmpl

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Mode says how values are written.
type Mode int

// Modes.
const (
	Text Mode = iota
	HTML
)

// Raw is trusted markup (the page's own stylesheet), written unescaped.
type Raw string

// Set is a parsed set of named templates.
type Set struct {
	// Lenient makes a missing map key print as nothing instead of failing
	// (pages, whose optional data is absent; mail stays strict).
	Lenient bool
	mode    Mode
	defs    map[string][]node
	funcs   map[string]Func
}

// Func is a template function.
type Func func(args []any) (any, error)

// Parse parses sources whose named templates are {{define}}d; text outside
// defines is ignored. funcs adds functions to the built-in ones.
func Parse(mode Mode, funcs map[string]Func, sources ...string) (*Set, error) {
	s := &Set{mode: mode, defs: map[string][]node{}, funcs: builtins()}
	for k, f := range funcs {
		s.funcs[k] = f
	}
	for _, src := range sources {
		toks, err := lex(src)
		if err != nil {
			return nil, err
		}
		p := &parser{toks: toks, set: s}
		if err := p.top(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Has reports whether a template is defined.
func (s *Set) Has(name string) bool { _, ok := s.defs[name]; return ok }

// Execute writes template name applied to data.
func (s *Set) Execute(w io.Writer, name string, data any) error {
	body, ok := s.defs[name]
	if !ok {
		return fmt.Errorf("tmpl: no template %q", name)
	}
	st := &state{set: s, vars: []binding{{"$", data}}, depth: 0}
	var buf bytes.Buffer
	if err := st.walk(&buf, body, data); err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// ---- lexing ----

type token struct {
	text   bool
	val    string
	urlCtx bool // an action right after href=" / src=" / action="
}

func lex(src string) ([]token, error) {
	var out []token
	for {
		i := strings.Index(src, "{{")
		if i < 0 {
			if src != "" {
				out = append(out, token{text: true, val: src})
			}
			return out, nil
		}
		if i > 0 {
			out = append(out, token{text: true, val: src[:i]})
		}
		j := strings.Index(src[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("tmpl: unclosed action near %q", trimTo(src[i:], 30))
		}
		act := strings.TrimSpace(src[i+2 : i+j])
		prev := ""
		if i > 0 {
			prev = src[:i]
		}
		out = append(out, token{val: act, urlCtx: urlAttr(prev)})
		src = src[i+j+2:]
	}
}

func urlAttr(prev string) bool {
	p := strings.ToLower(prev)
	for _, a := range []string{`href="`, `src="`, `action="`} {
		if strings.HasSuffix(p, a) {
			return true
		}
	}
	return false
}

func trimTo(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// ---- parsing ----

type nodeKind int

const (
	nText nodeKind = iota
	nPrint
	nIf
	nRange
	nWith
	nTemplate
	nAssign
)

type node struct {
	kind   nodeKind
	text   string
	expr   *expr
	name   string // template name
	vars   []string
	body   []node
	els    []node
	urlCtx bool
}

type parser struct {
	toks []token
	pos  int
	set  *Set
}

func (p *parser) top() error {
	for p.pos < len(p.toks) {
		t := p.toks[p.pos]
		p.pos++
		if t.text {
			continue
		}
		name, ok := strings.CutPrefix(t.val, "define ")
		if !ok {
			return fmt.Errorf("tmpl: %q outside a define", t.val)
		}
		n, err := strconv.Unquote(strings.TrimSpace(name))
		if err != nil {
			return fmt.Errorf("tmpl: bad define %q", t.val)
		}
		body, end, err := p.list()
		if err != nil {
			return err
		}
		if end != "end" {
			return fmt.Errorf("tmpl: define %q ends with %q", n, end)
		}
		p.set.defs[n] = body
	}
	return nil
}

// list parses nodes up to an end, else or else-if action, which it returns.
func (p *parser) list() ([]node, string, error) {
	var out []node
	for p.pos < len(p.toks) {
		t := p.toks[p.pos]
		p.pos++
		if t.text {
			out = append(out, node{kind: nText, text: t.val})
			continue
		}
		word, rest, _ := strings.Cut(t.val, " ")
		switch word {
		case "end":
			return out, "end", nil
		case "else":
			return out, t.val, nil
		case "if", "with":
			n, err := p.branch(word, rest)
			if err != nil {
				return nil, "", err
			}
			out = append(out, n)
		case "range":
			n := node{kind: nRange}
			r := rest
			if decl, e, ok := strings.Cut(rest, ":="); ok {
				for _, v := range strings.Split(decl, ",") {
					n.vars = append(n.vars, strings.TrimSpace(v))
				}
				r = e
			}
			x, err := parseExpr(r)
			if err != nil {
				return nil, "", err
			}
			n.expr = x
			body, end, err := p.list()
			if err != nil {
				return nil, "", err
			}
			if end != "end" {
				return nil, "", fmt.Errorf("tmpl: range without end")
			}
			n.body = body
			out = append(out, n)
		case "template":
			nameLit, arg := splitFirst(rest)
			name, err := strconv.Unquote(nameLit)
			if err != nil {
				return nil, "", fmt.Errorf("tmpl: bad template call %q", t.val)
			}
			n := node{kind: nTemplate, name: name}
			if strings.TrimSpace(arg) != "" {
				if n.expr, err = parseExpr(arg); err != nil {
					return nil, "", err
				}
			}
			out = append(out, n)
		case "define":
			return nil, "", fmt.Errorf("tmpl: nested define")
		default:
			if v, e, ok := strings.Cut(t.val, ":="); ok && strings.HasPrefix(strings.TrimSpace(v), "$") {
				x, err := parseExpr(e)
				if err != nil {
					return nil, "", err
				}
				out = append(out, node{kind: nAssign, vars: []string{strings.TrimSpace(v)}, expr: x})
				continue
			}
			x, err := parseExpr(t.val)
			if err != nil {
				return nil, "", err
			}
			out = append(out, node{kind: nPrint, expr: x, urlCtx: t.urlCtx})
		}
	}
	return nil, "", fmt.Errorf("tmpl: missing {{end}}")
}

func (p *parser) branch(word, cond string) (node, error) {
	kind := nIf
	if word == "with" {
		kind = nWith
	}
	x, err := parseExpr(cond)
	if err != nil {
		return node{}, err
	}
	n := node{kind: kind, expr: x}
	body, end, err := p.list()
	if err != nil {
		return node{}, err
	}
	n.body = body
	switch {
	case end == "end":
	case end == "else":
		els, end2, err := p.list()
		if err != nil {
			return node{}, err
		}
		if end2 != "end" {
			return node{}, fmt.Errorf("tmpl: %s/else without end", word)
		}
		n.els = els
	case strings.HasPrefix(end, "else if "):
		inner, err := p.branch("if", strings.TrimPrefix(end, "else if "))
		if err != nil {
			return node{}, err
		}
		n.els = []node{inner}
	default:
		return node{}, fmt.Errorf("tmpl: unexpected %q", end)
	}
	return n, nil
}

func splitFirst(s string) (string, string) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `"`) {
		if i := strings.Index(s[1:], `"`); i >= 0 {
			return s[:i+2], s[i+2:]
		}
	}
	a, b, _ := strings.Cut(s, " ")
	return a, b
}

// ---- expressions ----

type exprKind int

const (
	eField exprKind = iota // .A.B or $x.A or $ or .
	eString
	eNumber
	eBool
	eCall
)

type expr struct {
	kind exprKind
	root string   // "." or "$name"
	path []string // field names
	str  string
	num  float64
	b    bool
	fn   string
	args []*expr
}

func parseExpr(src string) (*expr, error) {
	toks, err := splitArgs(strings.TrimSpace(src))
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("tmpl: empty expression")
	}
	if len(toks) == 1 {
		return operand(toks[0])
	}
	if strings.HasPrefix(toks[0], ".") || strings.HasPrefix(toks[0], "$") || strings.HasPrefix(toks[0], "(") {
		return nil, fmt.Errorf("tmpl: %q: only functions take arguments (no method calls)", src)
	}
	call := &expr{kind: eCall, fn: toks[0]}
	for _, a := range toks[1:] {
		x, err := operand(a)
		if err != nil {
			return nil, err
		}
		call.args = append(call.args, x)
	}
	return call, nil
}

func operand(t string) (*expr, error) {
	switch {
	case strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")"):
		return parseExpr(t[1 : len(t)-1])
	case strings.HasPrefix(t, `"`):
		s, err := strconv.Unquote(t)
		if err != nil {
			return nil, fmt.Errorf("tmpl: bad string %s", t)
		}
		return &expr{kind: eString, str: s}, nil
	case t == "true" || t == "false":
		return &expr{kind: eBool, b: t == "true"}, nil
	case t == ".":
		return &expr{kind: eField, root: "."}, nil
	case strings.HasPrefix(t, "."):
		return &expr{kind: eField, root: ".", path: strings.Split(t[1:], ".")}, nil
	case strings.HasPrefix(t, "$"):
		parts := strings.Split(t, ".")
		return &expr{kind: eField, root: parts[0], path: parts[1:]}, nil
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		return &expr{kind: eNumber, num: f}, nil
	}
	return &expr{kind: eCall, fn: t}, nil
}

// splitArgs splits on spaces outside quotes and parentheses.
func splitArgs(s string) ([]string, error) {
	var out []string
	depth, inStr, start := 0, false, -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
			continue
		case c == '"':
			inStr = true
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("tmpl: unbalanced ) in %q", s)
			}
		case c == ' ' && depth == 0:
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if inStr || depth != 0 {
		return nil, fmt.Errorf("tmpl: unbalanced quotes or parentheses in %q", s)
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out, nil
}

// ---- execution ----

type binding struct {
	name string
	val  any
}

type state struct {
	set   *Set
	vars  []binding
	depth int
}

const maxDepth = 50

func (st *state) lookupVar(name string) (any, error) {
	for i := len(st.vars) - 1; i >= 0; i-- {
		if st.vars[i].name == name {
			return st.vars[i].val, nil
		}
	}
	return nil, fmt.Errorf("undefined variable %s", name)
}

func (st *state) walk(w *bytes.Buffer, nodes []node, dot any) error {
	mark := len(st.vars)
	defer func() { st.vars = st.vars[:mark] }()
	for _, n := range nodes {
		switch n.kind {
		case nText:
			w.WriteString(n.text)
		case nPrint:
			v, err := st.eval(n.expr, dot)
			if err != nil {
				return err
			}
			st.write(w, v, n.urlCtx)
		case nAssign:
			v, err := st.eval(n.expr, dot)
			if err != nil {
				return err
			}
			st.vars = append(st.vars, binding{n.vars[0], v})
		case nIf, nWith:
			v, err := st.eval(n.expr, dot)
			if err != nil {
				return err
			}
			if truth(v) {
				next := dot
				if n.kind == nWith {
					next = v
				}
				if err := st.walk(w, n.body, next); err != nil {
					return err
				}
			} else if err := st.walk(w, n.els, dot); err != nil {
				return err
			}
		case nRange:
			v, err := st.eval(n.expr, dot)
			if err != nil {
				return err
			}
			if err := st.rangeOver(w, n, v); err != nil {
				return err
			}
		case nTemplate:
			body, ok := st.set.defs[n.name]
			if !ok {
				return fmt.Errorf("no template %q", n.name)
			}
			arg := dot
			if n.expr != nil {
				v, err := st.eval(n.expr, dot)
				if err != nil {
					return err
				}
				arg = v
			} else {
				arg = nil
			}
			if st.depth++; st.depth > maxDepth {
				return fmt.Errorf("templates nest deeper than %d", maxDepth)
			}
			inner := &state{set: st.set, vars: []binding{{"$", arg}}, depth: st.depth}
			if err := inner.walk(w, body, arg); err != nil {
				return err
			}
			st.depth--
		}
	}
	return nil
}

func (st *state) rangeOver(w *bytes.Buffer, n node, v any) error {
	rv := reflect.ValueOf(v)
	for rv.IsValid() && (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface) {
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return nil
	}
	each := func(k, e any) error {
		mark := len(st.vars)
		switch len(n.vars) {
		case 1:
			st.vars = append(st.vars, binding{n.vars[0], e})
		case 2:
			st.vars = append(st.vars, binding{n.vars[0], k}, binding{n.vars[1], e})
		}
		err := st.walk(w, n.body, e)
		st.vars = st.vars[:mark]
		return err
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		for i := 0; i < rv.Len(); i++ {
			if err := each(i, rv.Index(i).Interface()); err != nil {
				return err
			}
		}
	case reflect.Map:
		keys := rv.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i].Interface()) < fmt.Sprint(keys[j].Interface()) })
		for _, k := range keys {
			if err := each(k.Interface(), rv.MapIndex(k).Interface()); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("cannot range over %T", v)
	}
	return nil
}

func (st *state) eval(x *expr, dot any) (any, error) {
	switch x.kind {
	case eString:
		return x.str, nil
	case eNumber:
		return x.num, nil
	case eBool:
		return x.b, nil
	case eCall:
		f, ok := st.set.funcs[x.fn]
		if !ok {
			return nil, fmt.Errorf("unknown function %q", x.fn)
		}
		args := make([]any, len(x.args))
		for i, a := range x.args {
			v, err := st.eval(a, dot)
			if err != nil {
				return nil, err
			}
			args[i] = v
		}
		return f(args)
	}
	cur := dot
	if x.root != "." {
		v, err := st.lookupVar(x.root)
		if err != nil {
			return nil, err
		}
		cur = v
	}
	for _, name := range x.path {
		v, err := field(cur, name)
		if err != nil {
			if st.set.Lenient && errors.Is(err, errNoKey) {
				return nil, nil
			}
			return nil, err
		}
		cur = v
	}
	return cur, nil
}

var errNoKey = errors.New("no key")

// field reads a map key or an exported struct field (never a method).
func field(v any, name string) (any, error) {
	rv := reflect.ValueOf(v)
	for rv.IsValid() && (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface) {
		if rv.IsNil() {
			return nil, nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return nil, nil
	}
	switch rv.Kind() {
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("map key of %s is not a string", rv.Type())
		}
		e := rv.MapIndex(reflect.ValueOf(name).Convert(rv.Type().Key()))
		if !e.IsValid() {
			return nil, fmt.Errorf("%w %q", errNoKey, name)
		}
		return e.Interface(), nil
	case reflect.Struct:
		f := rv.FieldByName(name)
		if !f.IsValid() || !f.CanInterface() {
			return nil, fmt.Errorf("%s has no field %s", rv.Type(), name)
		}
		return f.Interface(), nil
	}
	return nil, fmt.Errorf("cannot read %s of %T", name, v)
}

func truth(v any) bool {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return false
	}
	switch rv.Kind() {
	case reflect.Bool:
		return rv.Bool()
	case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
		return rv.Len() > 0
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return rv.Uint() != 0
	case reflect.Float32, reflect.Float64:
		return rv.Float() != 0
	case reflect.Pointer, reflect.Interface:
		return !rv.IsNil()
	}
	return true
}

func (st *state) write(w *bytes.Buffer, v any, urlCtx bool) {
	if rv := reflect.ValueOf(v); !rv.IsValid() || (rv.Kind() == reflect.Pointer && rv.IsNil()) {
		return
	}
	if st.set.mode == Text {
		w.WriteString(toString(v))
		return
	}
	if r, ok := v.(Raw); ok {
		w.WriteString(string(r))
		return
	}
	s := toString(v)
	if urlCtx && !safeURL(s) {
		s = "#ZgotmplZ"
	}
	w.WriteString(html.EscapeString(s))
}

func safeURL(s string) bool {
	t := strings.ToLower(strings.TrimSpace(s))
	i := strings.IndexAny(t, ":/?#")
	if i < 0 || t[i] != ':' {
		return true // relative
	}
	switch t[:i] {
	case "http", "https", "mailto":
		return true
	}
	return false
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case Raw:
		return string(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
