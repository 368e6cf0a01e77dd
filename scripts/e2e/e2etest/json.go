package e2etest

import (
	"strings"
)

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
