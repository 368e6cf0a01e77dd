package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/billing"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/due"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/hostbilling"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/marketplace"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/merger"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
	"github.com/tandemhq/tandem/shared/registration"
	"github.com/tandemhq/tandem/shared/report"
	"github.com/tandemhq/tandem/shared/session"
	"github.com/tandemhq/tandem/shared/suppression"
	"github.com/tandemhq/tandem/shared/webhook"
)

// Store is what the contract holds a store to: every store interface the
// domain services, the router and the jobs are wired with (see shared/app),
// so the DynamoDB store and the in-memory one answer to one list.
//
// The domain packages' interfaces are embedded. The router's, the
// notifier's and the sweeps' methods are written out here instead, so the
// tests that use this package do not link the HTTP layer or the mail
// renderer; each names the interface or wiring it mirrors.
type Store interface {
	member.Store
	program.Store
	department.Store
	collab.Store
	enrollment.Store
	registration.Store
	billing.Store
	hostbilling.HostStore
	marketplace.Store
	merger.Store
	report.Store
	session.Store
	suppression.Store
	webhook.Store
	webhook.SecretStore
	webhook.DeliveryStore
	notify.DeadLetterStore

	// router.Credentials (the authorizer).
	GetCredential(ctx context.Context, hash string) (member.Credential, error)

	// router.IdempotencyStore (the one idempotency guard).
	ClaimIdempotency(ctx context.Context, key, owner, bodyHash string, now time.Time, retention time.Duration) (idem.Record, bool, error)
	GetIdempotency(ctx context.Context, key string) (idem.Record, error)
	TakeOverIdempotency(ctx context.Context, key, prevOwner, owner string, now time.Time) error
	CompleteIdempotency(ctx context.Context, key, owner string, status int, body []byte) error
	ReleaseIdempotency(ctx context.Context, key, owner string) error

	// delivery.OutboxStore and delivery.Suppressions (the notifier).
	ClaimOutbox(ctx context.Context, id string, now time.Time, lease time.Duration) (notify.Message, int, error)
	MarkSent(ctx context.Context, id string, attempt int, providerID string, now time.Time) error
	MarkRetry(ctx context.Context, id string, attempt int, next time.Time, reason string) error
	MarkDead(ctx context.Context, id string, attempt int, reason string, now time.Time) error
	Suppressed(ctx context.Context, addrs []string) (map[string]bool, error)

	// The sweeps' due index: jobs.DueOutbox (redrive) and the jobs.DueFunc
	// each scheduled function is wired with.
	DueOutbox(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error)
	DueCases(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error)
	DueRenewals(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error)
	DueBilling(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error)
	DueIdle(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error)
	DueAddenda(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error)
	DueMergers(ctx context.Context, now time.Time, limit int) ([]due.Item, bool, error)
}

// Contract runs the store contract against the stores open makes: each
// call a new, empty store (the DynamoDB store on a fresh table, or a new
// in-memory one) whose list cursors are signed. The subtests are named
// for the rule each pins; the DynamoDB store is what they were written
// against.
func Contract(t *testing.T, open func(t *testing.T) Store) {
	for _, area := range []struct {
		name string
		run  func(*testing.T, func(*testing.T) Store)
	}{
		{"members", contractMembers},
		{"programs", contractPrograms},
		{"departments", contractDepartments},
		{"cases", contractCases},
		{"queue", contractQueue},
		{"outbox", contractOutbox},
		{"idempotency", contractIdempotency},
		{"sessions", contractSessions},
		{"rate counters", contractRateCounters},
		{"enrollments", contractEnrollments},
		{"suppression", contractSuppression},
		{"webhooks", contractWebhooks},
		{"mergers", contractMergers},
		{"billing", contractBilling},
		{"payment events", contractPaymentEvents},
		{"marketplace", contractMarketplace},
	} {
		t.Run(area.name, func(t *testing.T) { area.run(t, open) })
	}
}

// t0 is the contract's "now": whole seconds, since stores keep times to
// the millisecond.
var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

var bg = context.Background()

// wantKind fails unless err is of kind (apperr.ErrConflict, …).
func wantKind(t *testing.T, what string, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("%s: got %v, want %v", what, err, kind)
	}
}

// must fails on err.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// same fails unless got and want are deeply equal, an empty slice or map
// equal to a nil one (stores differ in which they give back for none).
func same[V any](t *testing.T, what string, got, want V) {
	t.Helper()
	if !equal(reflect.ValueOf(got), reflect.ValueOf(want)) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// equal is reflect.DeepEqual but for nil and empty slices and maps, and
// times, which are equal at the same instant.
func equal(a, b reflect.Value) bool {
	if !a.IsValid() || !b.IsValid() {
		return a.IsValid() == b.IsValid()
	}
	if a.Type() != b.Type() {
		return false
	}
	if a.Type() == reflect.TypeOf(time.Time{}) && a.CanInterface() {
		return a.Interface().(time.Time).Equal(b.Interface().(time.Time))
	}
	switch a.Kind() {
	case reflect.Slice:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !equal(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() {
			return false
		}
		for _, k := range a.MapKeys() {
			if !equal(a.MapIndex(k), b.MapIndex(k)) {
				return false
			}
		}
		return true
	case reflect.Array:
		for i := 0; i < a.Len(); i++ {
			if !equal(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return equal(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if !equal(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	switch a.Kind() {
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	}
	if a.CanInterface() {
		return reflect.DeepEqual(a.Interface(), b.Interface())
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// ids are the ids of xs, in order.
func ids[V any](xs []V, id func(V) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func dueIDs(items []due.Item) []string { return ids(items, func(d due.Item) string { return d.ID }) }

// malformed fails unless err is a refused cursor (a 400).
func malformed(t *testing.T, what string, err error) {
	t.Helper()
	if apperr.KindOf(err) != apperr.ErrMalformed {
		t.Fatalf("%s: got %v (kind %v), want malformed", what, err, apperr.KindOf(err))
	}
}

// tampered are cursors made from a good one that a store must refuse.
func tampered(cursor string) map[string]string {
	last := cursor[len(cursor)-1]
	flip := byte('A')
	if last == 'A' {
		flip = 'B'
	}
	return map[string]string{
		"a character changed": cursor[:len(cursor)-1] + string(flip),
		"cut short":           cursor[:len(cursor)/2],
		"not a cursor":        "not-a-cursor",
	}
}

// pages reads a list to its end, page by page, checking each cursor it
// is handed is refused once tampered with.
func pages[V any](t *testing.T, what string, limit int, list func(limit int, cursor string) ([]V, string, error)) [][]V {
	t.Helper()
	var out [][]V
	cursor := ""
	for i := 0; ; i++ {
		if i > 20 {
			t.Fatalf("%s: the pages do not end", what)
		}
		page, next, err := list(limit, cursor)
		if err != nil {
			t.Fatalf("%s page %d: %v", what, i+1, err)
		}
		if len(page) > limit {
			t.Fatalf("%s page %d: %d items, more than the limit %d", what, i+1, len(page), limit)
		}
		if len(page) > 0 || next != "" {
			out = append(out, page)
		}
		if next == "" {
			return out
		}
		for name, bad := range tampered(next) {
			_, _, err := list(limit, bad)
			malformed(t, fmt.Sprintf("%s with a cursor %s", what, name), err)
		}
		cursor = next
	}
}

// flat is the items of pages in order.
func flat[V any](pages [][]V) []V {
	var out []V
	for _, p := range pages {
		out = append(out, p...)
	}
	return out
}
