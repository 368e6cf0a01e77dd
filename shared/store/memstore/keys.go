package memstore

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/suppression"
	"github.com/tandemhq/tandem/shared/table"
)

// The key builders are shared/store's keys.go, as strings: an item sits
// under the same partition and sort key, and in the same index entries, as
// in the table, so lists come back in the same order and split into the same
// pages, and the sweeps read the same shards in the same order.

// metaSK is the sort key of an object's own item.
const metaSK = "#"

// timeLayout is RFC 3339 with fixed-width milliseconds, as the store writes
// times: they sort as strings in time order.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func iso(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseISO(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func memberPK(id string) string             { return "MEMBER#" + id }
func domainPK(domain string) string         { return "DOMAIN#" + domain }
func userSK(userID string) string           { return userPrefix + userID }
func tokenPK(hash string) string            { return "TOKEN#" + hash }
func programPK(id string) string            { return "PROGRAM#" + id }
func slugPK(slug string) string             { return "SLUG#" + slug }
func enrollmentPK(id string) string         { return "ENROLLMENT#" + id }
func departmentPK(id string) string         { return "DEPARTMENT#" + id }
func refPK(ref string) string               { return "CASEREF#" + ref }
func casePK(id string) string               { return "CASE#" + id }
func invoicePK(id string) string            { return "INVOICE#" + id }
func outboxPK(id string) string             { return table.OutboxPrefix + id }
func inboundPK(addr string) string          { return "INBOUND#" + suppression.Normalize(addr) }
func suppressionPK(addr string) string      { return "SUPPRESSED#" + suppression.Normalize(addr) }
func hostProgramsPK(memberID string) string { return "HOSTPROGRAMS#" + memberID }
func inboxPK(memberID string) string        { return "INBOX#" + memberID }
func sentPK(memberID string) string         { return "SENT#" + memberID }
func queuePK(memberID, list string) string  { return "QUEUE#" + memberID + "#" + list }
func searchPK(memberID string) string       { return "SEARCH#" + memberID }
func queueSK(by, caseID string, side collab.Side) string {
	return by + "#" + caseID + "#" + string(side)
}
func membersByKindPK(k member.Kind) string     { return "MEMBERS#" + string(k) }
func memberDepartmentsPK(id string) string     { return "MEMDEPT#" + id }
func programEnrollmentsPK(id string) string    { return "PRGENR#" + id }
func memberEnrollmentsPK(id string) string     { return "MEMENR#" + id }
func memberInvoicesPK(id string) string        { return "MEMINV#" + id }
func invoiceKeyPK(k string) string             { return "INVKEY#" + k }
func signupTokenPK(hash string) string         { return "SIGNUP#" + hash }
func mailTokenPK(hash string) string           { return "MAILTOKEN#" + hash }
func idemPK(k string) string                   { return idemPrefix + k }
func loginTokenPK(hash string) string          { return "LOGIN#" + hash }
func sessionPK(hash string) string             { return "SESSION#" + hash }
func usersByEmailPK(email string) string       { return "USEREMAIL#" + strings.ToLower(email) }
func mergerPK(from string) string              { return "MERGER#" + from }
func configurationPK(id string) string         { return "CONFIG#" + id }
func programConfigurationsPK(id string) string { return "PRGCFG#" + id }
func slaReportPK(programID string) string      { return "SLAREPORT#" + programID }

func enrollmentPairPK(programID, memberID string) string {
	return "ENROLLED#" + programID + "#" + memberID
}

func rateKey(k string, start time.Time) string {
	return "RATE#" + k + "#" + strconv.FormatInt(start.Unix(), 10)
}

const (
	userPrefix     = "USER#"
	eventPrefix    = "EVENT#"
	idemPrefix     = "IDEM#"
	deliveryPrefix = "DELIVERY#"
	idleSK         = "IDLE"
	addendumSK     = "ADDENDUM"
	deadLetterPK   = "DEADLETTER"
	secretSK       = "WEBHOOKSECRET"
)

func eventSK(version int, id string) string {
	return fmt.Sprintf("%s%010d#%s", eventPrefix, version, id)
}

func deliverySK(at time.Time, messageID string, attempt int) string {
	return fmt.Sprintf("%s%s#%s#%04d", deliveryPrefix, iso(at), messageID, attempt)
}

// Sweeps that read the sparse due index.
const (
	sweepCase     = "case"
	sweepRenewal  = "renewal"
	sweepBilling  = "billing"
	sweepOutbox   = "outbox"
	sweepIdle     = "idle"
	sweepAddendum = "addendum"
	sweepMerge    = "merge"
)

func shardOf(id string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % table.DueShards)
}

func duePK(sweep string, shard int) string { return fmt.Sprintf("%s#%d", sweep, shard) }

func dueShards(sweep string) int {
	if sweep == sweepMerge {
		return 1
	}
	return table.DueShards
}

// dueAttrs places id in sweep's due index at time at.
func dueAttrs(sweep, id string, at time.Time) (pk, sk string) {
	return duePK(sweep, shardOf(id)%dueShards(sweep)), iso(at) + "#" + id
}

// What operators watch (the Ops index).
const (
	opsCase   = "case"
	opsSignup = "signup"
	// opsPayment: enrollments awaiting payment, since their last change.
	opsPayment = "payment"
	// opsInvoice: open invoices, at their due date (overdue once it passed).
	opsInvoice = "invoice"
)

func opsPK(kind string, shard int) string { return fmt.Sprintf("OPS#%s#%d", kind, shard) }

func opsAttrs(kind, id string, at time.Time) (pk, sk string) {
	return opsPK(kind, shardOf(id)), iso(at) + "#" + id
}
