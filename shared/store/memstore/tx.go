package memstore

import (
	"errors"
	"fmt"

	"github.com/tandemhq/tandem/shared/apperr"
)

// ErrOptimisticConcurrency is a failed condition on a write: the object
// changed (or exists, or is gone) since it was read. It is a conflict, worded
// as shared/store's error of the same name.
var ErrOptimisticConcurrency = fmt.Errorf("the object changed since it was read: %w", apperr.ErrConflict)

// write is one write of a transaction, as the store's txItem: a put, an
// update, a delete or a condition check of the item at (pk, sk), made only
// if cond holds of the item as it was before the transaction (nil: absent),
// and onFail (ErrOptimisticConcurrency when nil) reported when it does not.
type write struct {
	pk, sk string
	cond   func(cur *item) bool
	// put replaces the item (its PK and SK are set from pk and sk).
	put *item
	// update makes the item from a copy of the current one (nil when there
	// is none: an unconditioned update creates the item, as DynamoDB's does).
	update func(cur *item) *item
	del    bool
	onFail error
}

// putNew is a put that fails with onFail when the key already exists.
func putNew(it *item, onFail error) write {
	return write{pk: it.PK, sk: it.SK, put: it, cond: absent, onFail: onFail}
}

// put is an unconditioned put.
func put(it *item) write { return write{pk: it.PK, sk: it.SK, put: it} }

// putIf is a put conditioned on cond.
func putIf(it *item, cond func(*item) bool, onFail error) write {
	return write{pk: it.PK, sk: it.SK, put: it, cond: cond, onFail: onFail}
}

func check(pk, sk string, cond func(*item) bool, onFail error) write {
	return write{pk: pk, sk: sk, cond: cond, onFail: onFail}
}

func update(pk, sk string, cond func(*item) bool, f func(cur *item) *item, onFail error) write {
	return write{pk: pk, sk: sk, cond: cond, update: f, onFail: onFail}
}

func remove(pk, sk string, cond func(*item) bool, onFail error) write {
	return write{pk: pk, sk: sk, cond: cond, del: true, onFail: onFail}
}

func absent(cur *item) bool { return cur == nil }
func exists(cur *item) bool { return cur != nil }

// transact writes ws atomically under the lock, as the store's transact: the
// first write (in order) whose condition fails cancels the transaction with
// its onFail error.
func (s *Store) transact(op string, ws ...write) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.transactLocked(op, ws...)
}

func (s *Store) transactLocked(op string, ws ...write) error {
	if len(ws) == 0 {
		return fmt.Errorf("%s: ValidationException: a transaction needs at least one write", op)
	}
	seen := make(map[string]bool, len(ws))
	for _, w := range ws {
		k := tableKey(w.pk, w.sk)
		if seen[k] {
			return fmt.Errorf("%s: ValidationException: Transaction request cannot include multiple operations on one item", op)
		}
		seen[k] = true
		if w.put != nil {
			w.put.PK, w.put.SK = w.pk, w.sk
			if err := checkItemSize(op, w.put); err != nil {
				return err
			}
		}
	}
	for _, w := range ws {
		if w.cond != nil && !w.cond(s.get(w.pk, w.sk)) {
			if w.onFail != nil {
				return fmt.Errorf("%s: %w", op, w.onFail)
			}
			return fmt.Errorf("%s: %w", op, ErrOptimisticConcurrency)
		}
	}
	for _, w := range ws {
		k := tableKey(w.pk, w.sk)
		switch {
		case w.put != nil:
			s.seq++
			w.put.seq = s.seq
			if c := s.items[k]; c != nil {
				w.put.seq = c.seq
			}
			s.setItem(k, w.put)
		case w.update != nil:
			var cur *item
			if c := s.items[k]; c != nil {
				cp := *c
				cur = &cp
			}
			next := w.update(cur)
			next.PK, next.SK = w.pk, w.sk
			if cur == nil {
				s.seq++
				next.seq = s.seq
			}
			s.setItem(k, next)
		case w.del:
			s.setItem(k, nil)
		}
	}
	return nil
}

// single is one conditional write outside a transaction (PutItem, UpdateItem,
// DeleteItem): a failed condition is ErrOptimisticConcurrency under op.
func (s *Store) single(op string, w write) error {
	w.onFail = nil
	return s.transact(op, w)
}

// isCondFailure reports whether err is a failed condition of single.
func isCondFailure(err error) bool { return errors.Is(err, ErrOptimisticConcurrency) }
