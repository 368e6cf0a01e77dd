package httpapptest

import "strings"

// ErrorFields are the fields an error answer names (error.fields).
func (r *Response) ErrorFields() map[string]any {
	r.T.Helper()
	e, _ := r.JSON()["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	return f
}

// ErrorMessage is an error answer's message (error.message).
func (r *Response) ErrorMessage() string {
	r.T.Helper()
	e, _ := r.JSON()["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

// Items are the items of a list answer.
func (r *Response) Items() []any {
	r.T.Helper()
	items, _ := r.JSON()["items"].([]any)
	return items
}

// Clone deep-copies a JSON-like value.
func Clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, vv := range x {
			out[k] = Clone(vv)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = Clone(vv)
		}
		return out
	case []string:
		return append([]string(nil), x...)
	}
	return v
}

// Set is a copy of body with the value at a dotted path replaced (or, with
// del, removed).
func Set(body map[string]any, path string, v any, del bool) map[string]any {
	out := Clone(body).(map[string]any)
	cur := out
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	last := parts[len(parts)-1]
	if del {
		delete(cur, last)
	} else {
		cur[last] = v
	}
	return out
}
