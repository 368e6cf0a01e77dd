package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/store"
	"github.com/tandemhq/tandem/shared/store/storetest"
)

var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func newMember(domain string) (member.Member, member.User, member.Credential) {
	m, u, c, _ := member.Build(member.NewMember{
		Name: "Acme", Domain: domain, Kind: member.Full,
		Contacts: member.Contacts{Primary: member.Contact{Name: "Ann", Email: "ann@" + domain}},
	}, t0)
	return m, u, c
}

func TestCreateThatExistsIsAConflict(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	m, u, c := newMember("acme.example")
	if err := s.CreateMember(ctx, m, u, c, nil, idem.None); err != nil {
		t.Fatalf("first create: %v", err)
	}
	// Same domain, new ids: the domain claim refuses it.
	m2, u2, c2 := newMember("acme.example")
	err := s.CreateMember(ctx, m2, u2, c2, nil, idem.None)
	if !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("second member with same domain: got %v, want conflict", err)
	}
	if msg, _, _ := apperr.Public(err); msg != "a member with domain acme.example already exists" {
		t.Errorf("message: got %q", msg)
	}
	// Same ids: the member item refuses it.
	err = s.CreateMember(ctx, m, u, c, nil, idem.None)
	if !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("same member again: got %v, want conflict", err)
	}
	got, err := s.GetMember(ctx, m.ID)
	if err != nil || got.Domain != "acme.example" || got.Version != 1 {
		t.Fatalf("get member: got %+v, %v", got, err)
	}
	if _, err := s.GetMember(ctx, m2.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("the refused member: got %v, want not found (nothing partial written)", err)
	}
}

func TestConcurrentUpdatesAtOneVersionExactlyOneWins(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	m, u, c := newMember("race.example")
	if err := s.CreateMember(ctx, m, u, c, nil, idem.None); err != nil {
		t.Fatal(err)
	}
	const n = 20
	var wins, conflicts, others int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.RevokeUser(ctx, u, t0) // every goroutine read version 1
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, apperr.ErrConflict):
				conflicts++
			default:
				others++
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != n-1 {
		t.Fatalf("got %d wins and %d conflicts (%d other), want 1 and %d", wins, conflicts, others, n-1)
	}
	got, err := s.GetUser(ctx, m.ID, u.ID)
	if err != nil || got.Version != 2 || got.Status != member.UserRevoked {
		t.Fatalf("after the race: got version %d status %s (%v), want 2 revoked", got.Version, got.Status, err)
	}
	cred, err := s.GetCredential(ctx, c.Hash)
	if err != nil || !cred.Revoked {
		t.Fatalf("credential: got revoked=%v (%v), want true", cred.Revoked, err)
	}
}

func deadLetters(t *testing.T, s *store.Store, n int) []string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for i := 0; i < n; i++ {
		at := t0.Add(time.Duration(i) * time.Minute)
		msg := notify.Message{ID: ident.New(ident.Outbox, at), Channel: notify.Email, Data: notify.MemberWelcome{}, To: []string{"x@y.example"}, CreatedAt: at}
		if err := s.Enqueue(ctx, msg); err != nil {
			t.Fatal(err)
		}
		if _, attempt, err := s.ClaimOutbox(ctx, msg.ID, at, time.Minute); err != nil {
			t.Fatal(err)
		} else if err := s.MarkDead(ctx, msg.ID, attempt, "rejected", at); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, msg.ID)
	}
	return ids
}

func TestCursorRoundTripAndTampering(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	want := deadLetters(t, s, 5)

	seen := map[string]int{}
	cursor, pages := "", 0
	for {
		items, next, err := s.ListDeadLetters(ctx, 2, cursor)
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		pages++
		for _, d := range items {
			seen[d.ID]++
		}
		if next == "" {
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		// Tampered and transplanted cursors are malformed requests.
		for name, bad := range map[string]string{
			"flipped char": next[:len(next)-1] + string(next[len(next)-1]^1),
			"garbage":      "not-a-cursor",
			"body only":    next[:len(next)/2],
		} {
			_, _, err := s.ListDeadLetters(ctx, 2, bad)
			if kind := apperr.KindOf(err); kind != apperr.ErrMalformed {
				t.Errorf("%s cursor: got kind %v (%v), want malformed (400)", name, kind, err)
			}
		}
		cursor = next
	}
	if pages != 3 {
		t.Errorf("got %d pages of 2 for 5 items, want 3", pages)
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Errorf("dead letter %s seen %d times, want 1", id, seen[id])
		}
	}
}

func TestOutboxClaimLeaseAndFinish(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	msg := notify.Message{ID: ident.New(ident.Outbox, t0), Channel: notify.Email, To: []string{"a@b.example"}, Data: notify.MemberWelcome{MemberName: "v"}, CreatedAt: t0}
	if err := s.Enqueue(ctx, msg); err != nil {
		t.Fatal(err)
	}
	got, attempt, err := s.ClaimOutbox(ctx, msg.ID, t0, time.Minute)
	if err != nil || attempt != 1 || got.Data != (notify.MemberWelcome{MemberName: "v"}) {
		t.Fatalf("first claim: got %+v attempt %d, %v", got, attempt, err)
	}
	if _, _, err := s.ClaimOutbox(ctx, msg.ID, t0.Add(30*time.Second), time.Minute); !errors.Is(err, notify.ErrNotClaimable) {
		t.Fatalf("claim inside the lease: got %v, want not claimable", err)
	}
	// The lease ran out: another worker may take it; the first may no longer finish.
	_, attempt2, err := s.ClaimOutbox(ctx, msg.ID, t0.Add(2*time.Minute), time.Minute)
	if err != nil || attempt2 != 2 {
		t.Fatalf("claim after the lease: attempt %d, %v", attempt2, err)
	}
	if err := s.MarkSent(ctx, msg.ID, attempt, "late", t0); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("mark sent by the worker that lost its lease: got %v, want conflict", err)
	}
	if err := s.MarkSent(ctx, msg.ID, attempt2, "p-1", t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ClaimOutbox(ctx, msg.ID, t0.Add(time.Hour), time.Minute); !errors.Is(err, notify.ErrNotClaimable) {
		t.Fatalf("claim after sent: got %v, want not claimable", err)
	}
	due, _, err := s.DueOutbox(ctx, t0.Add(48*time.Hour), 10)
	if err != nil || len(due) != 0 {
		t.Fatalf("a sent item is still due: %v, %v", due, err)
	}
}

// A failed attempt waits out its backoff: a stream redelivery arriving
// before retryAt cannot claim it; the sweep at retryAt can.
func TestOutboxRetryWaitsForItsBackoff(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	msg := notify.Message{ID: ident.New(ident.Outbox, t0), Channel: notify.Email, Data: notify.MemberWelcome{}, To: []string{"a@b.example"}, CreatedAt: t0}
	if err := s.Enqueue(ctx, msg); err != nil {
		t.Fatal(err)
	}
	_, attempt, err := s.ClaimOutbox(ctx, msg.ID, t0, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	next := t0.Add(40 * time.Second)
	if err := s.MarkRetry(ctx, msg.ID, attempt, next, "throttled"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ClaimOutbox(ctx, msg.ID, t0.Add(time.Second), time.Minute); !errors.Is(err, notify.ErrNotClaimable) {
		t.Fatalf("claim during the backoff: got %v, want not claimable", err)
	}
	due, _, err := s.DueOutbox(ctx, next, 10)
	if err != nil || len(due) != 1 || due[0].ID != msg.ID {
		t.Fatalf("due at retryAt: %v, %v", due, err)
	}
	if _, attempt2, err := s.ClaimOutbox(ctx, msg.ID, next, time.Minute); err != nil || attempt2 != 2 {
		t.Fatalf("claim at retryAt: attempt %d, %v", attempt2, err)
	}
}

func TestOutboxDueIndexFindsUndelivered(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	var ids []string
	for i := 0; i < 12; i++ {
		m := notify.Message{ID: ident.New(ident.Outbox, t0), Channel: notify.Email, CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
		if err := s.Enqueue(ctx, m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	// Nothing is due before its first sweep delay.
	due, _, err := s.DueOutbox(ctx, t0.Add(notify.FirstSweepDelay-time.Second), 100)
	if err != nil || len(due) != 0 {
		t.Fatalf("due too early: got %d, %v", len(due), err)
	}
	due, _, err = s.DueOutbox(ctx, t0.Add(notify.FirstSweepDelay+5*time.Minute+time.Second), 100)
	if err != nil || len(due) != 6 {
		t.Fatalf("due after 5 minutes: got %d (%v), want 6", len(due), err)
	}
	// The six oldest, oldest first.
	for i, d := range due {
		if d.ID != ids[i] {
			t.Fatalf("due[%d] = %s, want %s (the %d. oldest)", i, d.ID, ids[i], i+1)
		}
	}
	due, more, err := s.DueOutbox(ctx, t0.Add(time.Hour), 5)
	if err != nil || len(due) != 5 || !more {
		t.Fatalf("limited sweep: got %d more=%v (%v), want 5 and more", len(due), more, err)
	}
}

func TestIdempotencyClaims(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	k := "scope#route#key-1"
	if _, ok, err := s.ClaimIdempotency(ctx, k, "o1", "h1", t0, idem.Retention); err != nil || !ok {
		t.Fatalf("first claim: ok=%v %v", ok, err)
	}
	rec, ok, err := s.ClaimIdempotency(ctx, k, "o2", "h1", t0.Add(time.Second), idem.Retention)
	if err != nil || ok || rec.Owner != "o1" || rec.State != idem.InProgress {
		t.Fatalf("second claim: got %+v ok=%v %v", rec, ok, err)
	}
	if err := s.CompleteIdempotency(ctx, k, "o2", 201, []byte("{}")); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("completing someone else's claim: got %v, want conflict", err)
	}
	if err := s.CompleteIdempotency(ctx, k, "o1", 201, []byte(`{"id":"x"}`)); err != nil {
		t.Fatal(err)
	}
	rec, ok, _ = s.ClaimIdempotency(ctx, k, "o3", "h1", t0.Add(time.Hour), idem.Retention)
	if ok || rec.State != idem.Completed || rec.Status != 201 || string(rec.Body) != `{"id":"x"}` {
		t.Fatalf("replay: got %+v ok=%v", rec, ok)
	}
	// After 24 h the key is free again even though TTL has not deleted it.
	if _, ok, err := s.ClaimIdempotency(ctx, k, "o4", "h2", t0.Add(idem.Retention+time.Minute), idem.Retention); err != nil || !ok {
		t.Fatalf("claim after retention: ok=%v %v", ok, err)
	}
}

func TestIdempotencyCommitsInsideTheCreate(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	k := fmt.Sprintf("op#POST /v1/members#%d", time.Now().UnixNano())
	if _, ok, err := s.ClaimIdempotency(ctx, k, "owner-a", "h", t0, idem.Retention); err != nil || !ok {
		t.Fatal(ok, err)
	}
	m, u, c := newMember("commit.example")
	// A request that lost its claim to another cannot create anything.
	err := s.CreateMember(ctx, m, u, c, nil, idem.Claim{Key: k, Owner: "owner-b"})
	if !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("create under a claim we do not hold: got %v, want conflict", err)
	}
	if _, err := s.GetMember(ctx, m.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("member written despite the failed claim: %v", err)
	}
	if err := s.CreateMember(ctx, m, u, c, nil, idem.Claim{Key: k, Owner: "owner-a"}); err != nil {
		t.Fatal(err)
	}
	rec, _, _ := s.ClaimIdempotency(ctx, k, "x", "h", t0.Add(time.Minute), idem.Retention)
	if rec.State != idem.Committed || rec.ResultID != m.ID {
		t.Fatalf("claim after the create: got %+v, want committed with %s", rec, m.ID)
	}
}
