// Package e2etest is what the end-to-end journeys of scripts/e2e (over the
// API and pages, under the race detector) and scripts/e2e/browser (in
// Chromium) share: hosts, partners and members made as people make them,
// the HTTP client for pages, the mail links, schedule runs and webhook
// receiver they use, and Expect for an answer's status. Each helper takes
// the test's *localtest.Env and fails the test when a step goes wrong.
package e2etest
