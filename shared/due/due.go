// Package due names what the table's due index yields: an object whose
// time has come, for a scheduled sweep to take up. The store reads the
// index and the jobs work through it; with the item here, in a leaf, the
// store needs nothing of the jobs (nor, through them, of the mail
// renderer the notifier job carries).
package due

import "time"

// Item is one object a sweep found due: its id and when it fell due.
type Item struct {
	ID string
	At time.Time
}
