package router

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/tandemhq/tandem/shared/apperr"
)

// Decode reads r's JSON body into v strictly: unknown fields are refused
// (nobody sets status, memberId or version by sending them), types must
// match, and there must be exactly one JSON value. An empty body decodes as {}.
func Decode(r *Request, v any) error {
	body := r.Body
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(body, v, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return apperr.Malformed("the body must hold a single JSON object")
	}
	return nil
}

func decodeError(body []byte, v any, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return apperr.Malformed("the body is not valid JSON (at byte %d): %v", syn.Offset, syn)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.Malformed("the body is not valid JSON: it ends too early")
	case errors.As(err, &typ):
		path := typ.Field
		if path == "" {
			return apperr.InvalidField("(body)", "must be a JSON object")
		}
		return apperr.InvalidField(path, "must be "+jsonKind(typ.Type.Kind().String()))
	}
	// An unknown field, or a value a type's own UnmarshalJSON refused: find
	// where, so the answer names the field's full path.
	var raw any
	if json.Unmarshal(body, &raw) == nil {
		if path, why, ok := locate(raw, reflect.TypeOf(v), ""); ok {
			return apperr.InvalidField(path, why)
		}
	}
	if strings.HasPrefix(err.Error(), "json: unknown field ") {
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.InvalidField(name, "is not a field of this request")
	}
	return apperr.Malformed("the body could not be read: %v", err)
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "a list"
	case "map", "struct":
		return "an object"
	}
	return "of another type"
}

// locate walks a decoded body alongside the Go type it was meant for and
// returns the first field that is unknown or that its type refuses.
func locate(raw any, t reflect.Type, path string) (string, string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	if t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) {
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, reflect.New(t).Interface()); err != nil {
			return path, err.Error(), true
		}
		return "", "", false
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := raw.(map[string]any)
		if !ok {
			return "", "", false
		}
		fields := map[string]reflect.StructField{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fields[strings.ToLower(name)] = f
		}
		for k, val := range obj {
			f, ok := fields[strings.ToLower(k)]
			if !ok {
				return join(k), "is not a field of this request", true
			}
			if p, why, bad := locate(val, f.Type, join(k)); bad {
				return p, why, true
			}
		}
	case reflect.Slice, reflect.Array:
		arr, ok := raw.([]any)
		if !ok {
			return "", "", false
		}
		for i, val := range arr {
			if p, why, bad := locate(val, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); bad {
				return p, why, true
			}
		}
	case reflect.Map:
		obj, ok := raw.(map[string]any)
		if !ok {
			return "", "", false
		}
		for k, val := range obj {
			if p, why, bad := locate(val, t.Elem(), join(k)); bad {
				return p, why, true
			}
		}
	}
	return "", "", false
}

var unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()
