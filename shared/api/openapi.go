package api

import _ "embed"

// OpenAPI is the API's description (openapi.yaml), held to the handlers by
// the end-to-end tests.
//
//go:embed openapi.yaml
var OpenAPI []byte
