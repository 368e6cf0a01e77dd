package tmpl

import (
	"fmt"
	"reflect"
	"strings"
)

func builtins() map[string]Func {
	return map[string]Func{
		"eq": func(a []any) (any, error) {
			if len(a) < 2 {
				return nil, fmt.Errorf("eq needs two arguments")
			}
			for _, b := range a[1:] {
				if equal(a[0], b) {
					return true, nil
				}
			}
			return false, nil
		},
		"ne": func(a []any) (any, error) {
			if len(a) != 2 {
				return nil, fmt.Errorf("ne needs two arguments")
			}
			return !equal(a[0], a[1]), nil
		},
		"not": func(a []any) (any, error) {
			if len(a) != 1 {
				return nil, fmt.Errorf("not needs one argument")
			}
			return !truth(a[0]), nil
		},
		"len": func(a []any) (any, error) {
			if len(a) != 1 {
				return nil, fmt.Errorf("len needs one argument")
			}
			rv := reflect.ValueOf(a[0])
			switch rv.Kind() {
			case reflect.String, reflect.Slice, reflect.Map, reflect.Array:
				return float64(rv.Len()), nil
			case reflect.Invalid:
				return float64(0), nil
			}
			return nil, fmt.Errorf("len of %T", a[0])
		},
		"print": func(a []any) (any, error) {
			var b strings.Builder
			for _, x := range a {
				b.WriteString(toString(x))
			}
			return b.String(), nil
		},
		"join": func(a []any) (any, error) {
			if len(a) != 2 {
				return nil, fmt.Errorf("join needs a separator and a list")
			}
			sep := toString(a[0])
			rv := reflect.ValueOf(a[1])
			if rv.Kind() != reflect.Slice {
				return toString(a[1]), nil
			}
			parts := make([]string, rv.Len())
			for i := range parts {
				parts[i] = toString(rv.Index(i).Interface())
			}
			return strings.Join(parts, sep), nil
		},
	}
}

func equal(a, b any) bool {
	if fa, ok := number(a); ok {
		if fb, ok := number(b); ok {
			return fa == fb
		}
	}
	return toString(a) == toString(b)
}

func number(v any) (float64, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	}
	return 0, false
}
