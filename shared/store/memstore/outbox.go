package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/notify"
)

// outboxRec is an outbox item: the message as stored (its data and hook as
// JSON, decoded on every read as the store decodes them) and where it
// stands with the notifier. Times are stored strings, compared as the
// table's conditions compare them.
type outboxRec struct {
	Msg        notify.Message // without Data, Hook and NotBefore
	Template   string
	Data       []byte
	Hook       []byte
	State      notify.State
	Attempts   int
	LeaseUntil string
	LastError  string
	RetryAt    string
	SentAt     string
	DeadAt     string
	ProviderID string
	ResentAs   string
	ResentAt   string
}

func toOutboxItem(m notify.Message) *item {
	rec := outboxRec{
		Msg: notify.Message{ID: m.ID, Channel: m.Channel, From: m.From, To: omitted(m.To), Cc: omitted(m.Cc), Bcc: omitted(m.Bcc),
			ReplyTo: omitted(m.ReplyTo), Ref: m.Ref, CreatedAt: ts(m.CreatedAt)},
		Template: m.Template(), State: notify.Pending,
	}
	if m.Data != nil {
		rec.Data, _ = json.Marshal(m.Data)
	}
	if m.Hook != nil {
		rec.Hook, _ = json.Marshal(m.Hook)
	}
	it := &item{PK: outboxPK(m.ID), SK: metaSK}
	it.DuePK, it.DueSK = dueAttrs(sweepOutbox, m.ID, m.CreatedAt.Add(notify.FirstSweepDelay))
	if m.NotBefore.After(m.CreatedAt) {
		rec.RetryAt = iso(m.NotBefore)
		it.DuePK, it.DueSK = dueAttrs(sweepOutbox, m.ID, m.NotBefore)
	}
	it.v = rec
	return it
}

// message is the stored message as the store reads it back.
func (r outboxRec) message() (notify.Message, error) {
	m := r.Msg
	m.To, m.Cc, m.Bcc, m.ReplyTo = list(m.To), list(m.Cc), list(m.Bcc), list(m.ReplyTo)
	if r.Template != "" {
		// Data that no longer fits its template stays nil.
		m.Data, _ = notify.DecodeData(r.Template, r.Data)
	}
	if r.Hook != nil {
		m.Hook = &notify.HookCall{}
		if err := json.Unmarshal(r.Hook, m.Hook); err != nil {
			return m, fmt.Errorf("outbox %s hook: %w", m.ID, err)
		}
	}
	return m, nil
}

// outboxWrites are the puts that enqueue msgs inside another write's
// transaction.
func outboxWrites(msgs []notify.Message) []write {
	out := make([]write, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, putNew(toOutboxItem(m), apperr.Conflict("outbox item %s already exists", m.ID)))
	}
	return out
}

// Enqueue writes messages on their own, for callers with no other write.
func (s *Store) Enqueue(ctx context.Context, msgs ...notify.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	return s.transact("enqueue", outboxWrites(msgs)...)
}

// ClaimOutbox implements delivery.OutboxStore: a pending item (past its
// retry time) or one whose lease ran out is claimed for lease, its due time
// moved to the lease's end; anything else is notify.ErrNotClaimable.
func (s *Store) ClaimOutbox(ctx context.Context, id string, now time.Time, lease time.Duration) (notify.Message, int, error) {
	until := now.Add(lease)
	n := iso(now)
	var rec outboxRec
	err := s.single("claim outbox "+id, update(outboxPK(id), metaSK, func(cur *item) bool {
		r, ok := valOf[outboxRec](cur)
		return ok && ((r.State == notify.Pending && (r.RetryAt == "" || r.RetryAt <= n)) ||
			(r.State == notify.Sending && r.LeaseUntil != "" && r.LeaseUntil < n))
	}, func(cur *item) *item {
		r := cur.v.(outboxRec)
		r.State, r.LeaseUntil, r.Attempts = notify.Sending, iso(until), r.Attempts+1
		cur.DuePK, cur.DueSK = dueAttrs(sweepOutbox, id, until)
		cur.v, rec = r, r
		return cur
	}, nil))
	if isCondFailure(err) {
		return notify.Message{}, 0, notify.ErrNotClaimable
	}
	if err != nil {
		return notify.Message{}, 0, err
	}
	m, err := rec.message()
	return m, rec.Attempts, err
}

// finishOutbox changes an item being sent by attempt.
func (s *Store) finishOutbox(op, id string, attempt int, f func(it *item, r *outboxRec)) error {
	return s.single(op+" "+id, update(outboxPK(id), metaSK, func(cur *item) bool {
		r, ok := valOf[outboxRec](cur)
		return ok && r.State == notify.Sending && r.Attempts == attempt
	}, func(cur *item) *item {
		r := cur.v.(outboxRec)
		f(cur, &r)
		cur.v = r
		return cur
	}, nil))
}

// MarkSent implements delivery.OutboxStore.
func (s *Store) MarkSent(ctx context.Context, id string, attempt int, providerID string, now time.Time) error {
	return s.finishOutbox("mark sent", id, attempt, func(it *item, r *outboxRec) {
		r.State, r.SentAt, r.ProviderID, r.LeaseUntil = notify.Sent, iso(now), providerID, ""
		it.DuePK, it.DueSK = "", ""
	})
}

// MarkRetry implements delivery.OutboxStore.
func (s *Store) MarkRetry(ctx context.Context, id string, attempt int, next time.Time, reason string) error {
	return s.finishOutbox("mark retry", id, attempt, func(it *item, r *outboxRec) {
		r.State, r.LastError, r.RetryAt, r.LeaseUntil = notify.Pending, truncate(reason, 1000), iso(next), ""
		it.DuePK, it.DueSK = dueAttrs(sweepOutbox, id, next)
	})
}

// MarkDead implements delivery.OutboxStore.
func (s *Store) MarkDead(ctx context.Context, id string, attempt int, reason string, now time.Time) error {
	return s.finishOutbox("mark dead", id, attempt, func(it *item, r *outboxRec) {
		r.State, r.DeadAt, r.LastError, r.LeaseUntil = notify.Dead, iso(now), truncate(reason, 1000), ""
		it.GSI1PK, it.GSI1SK = deadLetterPK, iso(now)+"#"+id
		it.DuePK, it.DueSK = "", ""
	})
}

// GetOutbox returns one outbox item's message and state, for tests and
// tools.
func (s *Store) GetOutbox(ctx context.Context, id string) (notify.Message, notify.State, int, error) {
	r, ok := getVal[outboxRec](s, outboxPK(id), metaSK)
	if !ok {
		return notify.Message{}, "", 0, apperr.NotFound("outbox item %s not found", id)
	}
	m, err := r.message()
	return m, r.State, r.Attempts, err
}

// Outbox returns every outbox item's message in the order they were
// enqueued (a transaction's in the order it was given them): what the code
// under test sent, for tests to read without knowing the ids. The DynamoDB
// store has no such list.
func (s *Store) Outbox() []notify.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []*item
	for _, it := range s.items {
		if _, ok := it.v.(outboxRec); ok {
			items = append(items, it)
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].seq < items[j].seq })
	out := make([]notify.Message, 0, len(items))
	for _, it := range items {
		m, _ := it.v.(outboxRec).message()
		out = append(out, m)
	}
	return out
}
