package e2etest

import (
	"github.com/tandemhq/tandem/shared/httpapp/httpapptest"
)

// Clone deep-copies a JSON-like value; Set is a copy of a body with the
// value at a dotted path replaced (or, with del, removed). Both are the
// in-process harness's, so the two harnesses build request bodies alike.
var (
	Clone = httpapptest.Clone
	Set   = httpapptest.Set
)
