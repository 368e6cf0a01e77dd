package storetest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/session"
)

// The router's keys: scope, route and the client's key.
const idemKey = "mem_01#POST /v1/cases#client-key-1"

func contractIdempotency(t *testing.T, open func(*testing.T) Store) {
	t.Run("a key is claimed once: a second claim, with another body, gets the first record", func(t *testing.T) {
		s := open(t)
		rec, ok, err := s.ClaimIdempotency(bg, idemKey, "owner-a", "body-1", t0, idem.Retention)
		if err != nil || !ok {
			t.Fatalf("first claim: ok=%v %v", ok, err)
		}
		same(t, "a won claim's record", rec, idem.Record{})
		rec, ok, err = s.ClaimIdempotency(bg, idemKey, "owner-b", "body-2", t0.Add(time.Second), idem.Retention)
		if err != nil || ok {
			t.Fatalf("second claim: ok=%v %v", ok, err)
		}
		same(t, "the record the second claim meets", rec, idem.Record{Key: idemKey, Owner: "owner-a", BodyHash: "body-1", State: idem.InProgress,
			LockedUntil: t0.Add(idem.Lock), ExpiresAt: t0.Add(idem.Retention)})
		got, err := s.GetIdempotency(bg, idemKey)
		must(t, "get", err)
		same(t, "the record read", got, rec)
	})

	t.Run("a completed key replays its response; only its owner completes it", func(t *testing.T) {
		s := open(t)
		if _, ok, err := s.ClaimIdempotency(bg, idemKey, "owner-a", "body-1", t0, idem.Retention); err != nil || !ok {
			t.Fatalf("claim: ok=%v %v", ok, err)
		}
		wantKind(t, "complete someone else's claim", s.CompleteIdempotency(bg, idemKey, "owner-b", 201, []byte("{}")), apperr.ErrConflict)
		must(t, "complete", s.CompleteIdempotency(bg, idemKey, "owner-a", 201, []byte(`{"id":"cas_1"}`)))
		rec, ok, err := s.ClaimIdempotency(bg, idemKey, "owner-c", "body-1", t0.Add(time.Hour), idem.Retention)
		if err != nil || ok || rec.State != idem.Completed || rec.Status != 201 || string(rec.Body) != `{"id":"cas_1"}` || rec.Owner != "owner-a" {
			t.Fatalf("replay: got %+v ok=%v %v", rec, ok, err)
		}
	})

	t.Run("a key is free again after its retention, before any TTL deletes it", func(t *testing.T) {
		s := open(t)
		if _, ok, err := s.ClaimIdempotency(bg, idemKey, "owner-a", "body-1", t0, idem.Retention); err != nil || !ok {
			t.Fatalf("claim: ok=%v %v", ok, err)
		}
		if _, ok, err := s.ClaimIdempotency(bg, idemKey, "owner-b", "body-2", t0.Add(idem.Retention), idem.Retention); err != nil || ok {
			t.Fatalf("claim at the end of the retention: ok=%v %v, want held", ok, err)
		}
		if _, ok, err := s.ClaimIdempotency(bg, idemKey, "owner-b", "body-2", t0.Add(idem.Retention+time.Second), idem.Retention); err != nil || !ok {
			t.Fatalf("claim after the retention: ok=%v %v", ok, err)
		}
	})

	t.Run("a stale claim is taken over by one other, after its lock", func(t *testing.T) {
		s := open(t)
		if _, ok, err := s.ClaimIdempotency(bg, idemKey, "owner-a", "body-1", t0, idem.Retention); err != nil || !ok {
			t.Fatalf("claim: ok=%v %v", ok, err)
		}
		wantKind(t, "take over inside the lock", s.TakeOverIdempotency(bg, idemKey, "owner-a", "owner-b", t0.Add(idem.Lock-time.Second)), apperr.ErrConflict)
		after := t0.Add(idem.Lock + time.Second)
		must(t, "take over after the lock", s.TakeOverIdempotency(bg, idemKey, "owner-a", "owner-b", after))
		wantKind(t, "a second take-over from the first owner", s.TakeOverIdempotency(bg, idemKey, "owner-a", "owner-c", after), apperr.ErrConflict)
		rec, err := s.GetIdempotency(bg, idemKey)
		must(t, "get", err)
		if rec.Owner != "owner-b" || !rec.LockedUntil.Equal(after.Add(idem.Lock)) {
			t.Fatalf("after the take-over: got %+v", rec)
		}
		wantKind(t, "the first owner completes", s.CompleteIdempotency(bg, idemKey, "owner-a", 201, []byte(`{"id":"cas_1"}`)), apperr.ErrConflict)
	})

	t.Run("a released claim frees the key; only its owner releases it", func(t *testing.T) {
		s := open(t)
		if _, ok, err := s.ClaimIdempotency(bg, idemKey, "owner-a", "body-1", t0, idem.Retention); err != nil || !ok {
			t.Fatalf("claim: ok=%v %v", ok, err)
		}
		must(t, "release by another (nothing happens)", s.ReleaseIdempotency(bg, idemKey, "owner-b"))
		if _, err := s.GetIdempotency(bg, idemKey); err != nil {
			t.Fatalf("the claim after another's release: %v", err)
		}
		must(t, "release", s.ReleaseIdempotency(bg, idemKey, "owner-a"))
		_, err := s.GetIdempotency(bg, idemKey)
		wantKind(t, "the released key", err, apperr.ErrNotFound)
		if _, ok, err := s.ClaimIdempotency(bg, idemKey, "owner-b", "body-2", t0.Add(time.Second), idem.Retention); err != nil || !ok {
			t.Fatalf("claim after the release: ok=%v %v", ok, err)
		}
	})

	t.Run("a create commits the claim it holds, and one it does not hold writes nothing", func(t *testing.T) {
		s := open(t)
		if _, ok, err := s.ClaimIdempotency(bg, idemKey, "owner-a", "body-1", t0, idem.Retention); err != nil || !ok {
			t.Fatalf("claim: ok=%v %v", ok, err)
		}
		m, u, c, welcome := newMember("Acme", "acme.example", member.Full, t0)
		err := s.CreateMember(bg, m, u, c, []notify.Message{welcome}, idem.Claim{Key: idemKey, Owner: "owner-b"})
		wantKind(t, "create under a claim not held", err, apperr.ErrConflict)
		_, err = s.GetMember(bg, m.ID)
		wantKind(t, "the member of the refused create", err, apperr.ErrNotFound)
		unclaimable(t, s, "the refused create's mail", []notify.Message{welcome}, t0)
		must(t, "create under the claim", s.CreateMember(bg, m, u, c, nil, idem.Claim{Key: idemKey, Owner: "owner-a"}))
		rec, err := s.GetIdempotency(bg, idemKey)
		must(t, "get", err)
		if rec.State != idem.Committed || rec.ResultID != m.ID {
			t.Fatalf("the claim after the create: got %+v, want committed with %s", rec, m.ID)
		}
		// Committed, the claim is no longer released.
		must(t, "release a committed claim", s.ReleaseIdempotency(bg, idemKey, "owner-a"))
		if rec, err := s.GetIdempotency(bg, idemKey); err != nil || rec.State != idem.Committed {
			t.Fatalf("after releasing a committed claim: got %+v, %v", rec, err)
		}
	})

	t.Run("a missing key is not found", func(t *testing.T) {
		s := open(t)
		_, err := s.GetIdempotency(bg, "nobody#GET /#k")
		wantKind(t, "get", err, apperr.ErrNotFound)
	})
}

func contractSessions(t *testing.T, open func(*testing.T) Store) {
	link := func(hash string, u member.User, expires time.Time) session.LoginToken {
		return session.LoginToken{Hash: hash, UserID: u.ID, MemberID: u.MemberID, Email: u.Email, Next: "/cases", ExpiresAt: expires}
	}
	newSession := func(hash string, u member.User, now time.Time) session.Session {
		return session.Session{Hash: hash, UserID: u.ID, MemberID: u.MemberID, CreatedAt: now, ExpiresAt: now.Add(12 * time.Hour)}
	}

	t.Run("a sign-in link and its mail are written together, and the link starts one session", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		tok := link("login-hash-1", w.hostAdmin, t0.Add(15*time.Minute))
		msg := mail(w.hostAdmin.Email, w.hostAdmin.ID, t0)
		must(t, "create the link", s.CreateLoginTokens(bg, []session.LoginToken{tok}, []notify.Message{msg}))
		got, err := s.GetLoginToken(bg, tok.Hash)
		must(t, "get the link", err)
		same(t, "the link", got, tok)
		readBack(t, s, "the link's mail", []notify.Message{msg}, t0)

		ses := newSession("session-hash-1", w.hostAdmin, t0.Add(time.Minute))
		must(t, "start", s.StartSession(bg, tok.Hash, ses, t0.Add(time.Minute)))
		gs, err := s.GetSession(bg, ses.Hash)
		must(t, "get the session", err)
		same(t, "the session", gs, ses)
		got, _ = s.GetLoginToken(bg, tok.Hash)
		if !got.Used {
			t.Fatalf("the link after it started a session is not used")
		}
		again := newSession("session-hash-2", w.hostAdmin, t0.Add(2*time.Minute))
		wantKind(t, "start again with the used link", s.StartSession(bg, tok.Hash, again, t0.Add(2*time.Minute)), apperr.ErrConflict)
		_, err = s.GetSession(bg, again.Hash)
		wantKind(t, "the session of the replayed link", err, apperr.ErrNotFound)
	})

	t.Run("an expired or unknown link starts no session", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		tok := link("login-hash-1", w.hostAdmin, t0.Add(15*time.Minute))
		must(t, "create the link", s.CreateLoginTokens(bg, []session.LoginToken{tok}, nil))
		ses := newSession("session-hash-1", w.hostAdmin, tok.ExpiresAt)
		wantKind(t, "start at the link's expiry", s.StartSession(bg, tok.Hash, ses, tok.ExpiresAt), apperr.ErrConflict)
		wantKind(t, "start with an unknown link", s.StartSession(bg, "no-such-link", ses, t0), apperr.ErrConflict)
		_, err := s.GetSession(bg, ses.Hash)
		wantKind(t, "the session", err, apperr.ErrNotFound)
		_, err = s.GetLoginToken(bg, "no-such-link")
		wantKind(t, "the unknown link", err, apperr.ErrNotFound)
	})

	t.Run("links of one request are written together or not at all", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		tok := link("login-hash-1", w.hostAdmin, t0.Add(15*time.Minute))
		must(t, "create the link", s.CreateLoginTokens(bg, []session.LoginToken{tok}, nil))
		other := link("login-hash-2", w.partnerAdmin, t0.Add(15*time.Minute))
		msg := mail(w.partnerAdmin.Email, w.partnerAdmin.ID, t0)
		wantKind(t, "a link whose hash is taken, with another", s.CreateLoginTokens(bg, []session.LoginToken{other, tok}, []notify.Message{msg}), apperr.ErrConflict)
		_, err := s.GetLoginToken(bg, other.Hash)
		wantKind(t, "the other link", err, apperr.ErrNotFound)
		unclaimable(t, s, "the refused links' mail", []notify.Message{msg}, t0)
	})

	t.Run("an operator's link and session stay an operator's", func(t *testing.T) {
		s := open(t)
		tok := session.LoginToken{Hash: "op-link", Operator: true, UserID: "ops@tandem.example", Email: "ops@tandem.example", Next: "/operator", ExpiresAt: t0.Add(15 * time.Minute)}
		must(t, "create", s.CreateLoginTokens(bg, []session.LoginToken{tok}, nil))
		got, err := s.GetLoginToken(bg, tok.Hash)
		must(t, "get", err)
		same(t, "the link", got, tok)
		ses := session.Session{Hash: "op-session", Operator: true, UserID: "ops@tandem.example", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		must(t, "start", s.StartSession(bg, tok.Hash, ses, t0))
		gs, err := s.GetSession(bg, ses.Hash)
		must(t, "get the session", err)
		same(t, "the session", gs, ses)
	})

	t.Run("a session's expiry slides while it exists, and an ended session is gone", func(t *testing.T) {
		s := open(t)
		w := newWorld(t, s, "A", t0)
		tok := link("login-hash-1", w.hostAdmin, t0.Add(15*time.Minute))
		must(t, "create the link", s.CreateLoginTokens(bg, []session.LoginToken{tok}, nil))
		ses := newSession("session-hash-1", w.hostAdmin, t0)
		must(t, "start", s.StartSession(bg, tok.Hash, ses, t0))
		later := t0.Add(36 * time.Hour)
		must(t, "extend", s.ExtendSession(bg, ses.Hash, later))
		gs, err := s.GetSession(bg, ses.Hash)
		if err != nil || !gs.ExpiresAt.Equal(later) || !gs.CreatedAt.Equal(t0) {
			t.Fatalf("after extending: got %+v, %v", gs, err)
		}
		must(t, "end", s.EndSession(bg, ses.Hash))
		_, err = s.GetSession(bg, ses.Hash)
		wantKind(t, "the ended session", err, apperr.ErrNotFound)
		wantKind(t, "extend the ended session", s.ExtendSession(bg, ses.Hash, later), apperr.ErrConflict)
		must(t, "end it again", s.EndSession(bg, ses.Hash))
	})
}

func contractRateCounters(t *testing.T, open func(*testing.T) Store) {
	t.Run("hits count up within their window, apart per key, and start again in the next window", func(t *testing.T) {
		s := open(t)
		window := time.Hour
		for i, want := range []int{1, 2, 3} {
			n, end, err := s.CountInWindow(bg, "confirm#ann@acme.example", window, t0.Add(time.Duration(i*10)*time.Minute))
			if err != nil || n != want || !end.Equal(t0.Add(window)) {
				t.Fatalf("hit %d: got %d ending %v (%v), want %d ending %v", i+1, n, end, err, want, t0.Add(window))
			}
		}
		n, _, err := s.CountInWindow(bg, "confirm#bob@acme.example", window, t0.Add(time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("another key: got %d, %v, want 1", n, err)
		}
		n, end, err := s.CountInWindow(bg, "confirm#ann@acme.example", window, t0.Add(window))
		if err != nil || n != 1 || !end.Equal(t0.Add(2*window)) {
			t.Fatalf("the next window: got %d ending %v (%v), want 1 ending %v", n, end, err, t0.Add(2*window))
		}
	})

	t.Run("hits at the same time are each counted once", func(t *testing.T) {
		s := open(t)
		const n = 8
		counts := make(chan int, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, _, err := s.CountInWindow(bg, "reg-prg#prg_1", time.Hour, t0)
				if err != nil {
					t.Errorf("count: %v", err)
				}
				counts <- c
			}()
		}
		wg.Wait()
		close(counts)
		var got []int
		for c := range counts {
			got = append(got, c)
		}
		slices.Sort(got)
		same(t, "the counts the racing hits saw", got, []int{1, 2, 3, 4, 5, 6, 7, 8})
	})

	t.Run("a window starts at a multiple of its length, not at the first hit", func(t *testing.T) {
		s := open(t)
		day := 24 * time.Hour
		midnight := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
		n, end, err := s.CountInWindow(bg, "casemail#mem_1", day, midnight.Add(-time.Minute))
		if err != nil || n != 1 || !end.Equal(midnight) {
			t.Fatalf("a minute before midnight: got %d ending %v (%v)", n, end, err)
		}
		n, end, err = s.CountInWindow(bg, "casemail#mem_1", day, midnight)
		if err != nil || n != 1 || !end.Equal(midnight.Add(day)) {
			t.Fatalf("at midnight: got %d ending %v (%v), want a new window", n, end, err)
		}
	})
}
