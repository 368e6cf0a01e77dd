package store

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/suppression"
	"github.com/tandemhq/tandem/shared/table"
)

// keyAttrs are the attributes that place an item in the table: its key,
// its type, and its entries in the indexes. Every item type embeds it.
// An index key is written only when set, which is how the indexes stay
// sparse (Due, Ops) and how an item type leaves out the indexes it is not
// in; an empty string could not be stored there anyway, since DynamoDB
// refuses one as an index key.
type keyAttrs struct {
	PK     string `dynamodbav:"PK"`
	SK     string `dynamodbav:"SK"`
	Type   string `dynamodbav:"type"`
	GSI1PK string `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK string `dynamodbav:"GSI1SK,omitempty"`
	GSI2PK string `dynamodbav:"GSI2PK,omitempty"`
	GSI2SK string `dynamodbav:"GSI2SK,omitempty"`
	DuePK  string `dynamodbav:"DuePK,omitempty"`
	DueSK  string `dynamodbav:"DueSK,omitempty"`
	OpsPK  string `dynamodbav:"OpsPK,omitempty"`
	OpsSK  string `dynamodbav:"OpsSK,omitempty"`
}

// metaSK is the sort key of an object's own item; its events and children
// sort after it under the same partition.
const metaSK = "#"

func av(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func avN(n int) types.AttributeValue { return &types.AttributeValueMemberN{Value: fmt.Sprint(n)} }

func avN64(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{table.PK: av(pk), table.SK: av(sk)}
}

func memberPK(id string) string                           { return "MEMBER#" + id }
func memberKey(id string) map[string]types.AttributeValue { return key(memberPK(id), metaSK) }
func domainPK(domain string) string                       { return "DOMAIN#" + domain }
func domainKey(domain string) map[string]types.AttributeValue {
	return key(domainPK(domain), metaSK)
}

const userPrefix = "USER#"

func userSK(userID string) string { return userPrefix + userID }
func userKey(memberID, userID string) map[string]types.AttributeValue {
	return key(memberPK(memberID), userSK(userID))
}
func tokenPK(hash string) string                           { return "TOKEN#" + hash }
func tokenKey(hash string) map[string]types.AttributeValue { return key(tokenPK(hash), metaSK) }
func programPK(id string) string                           { return "PROGRAM#" + id }
func programKey(id string) map[string]types.AttributeValue { return key(programPK(id), metaSK) }
func slugPK(slug string) string                            { return "SLUG#" + slug }
func slugKey(slug string) map[string]types.AttributeValue  { return key(slugPK(slug), metaSK) }
func enrollmentPK(id string) string                        { return "ENROLLMENT#" + id }
func enrollmentKey(id string) map[string]types.AttributeValue {
	return key(enrollmentPK(id), metaSK)
}

// enrollmentPairKey guards "one enrollment per member and program".
func enrollmentPairPK(programID, memberID string) string {
	return "ENROLLED#" + programID + "#" + memberID
}
func enrollmentPairKey(programID, memberID string) map[string]types.AttributeValue {
	return key(enrollmentPairPK(programID, memberID), metaSK)
}
func departmentPK(id string) string { return "DEPARTMENT#" + id }
func departmentKey(id string) map[string]types.AttributeValue {
	return key(departmentPK(id), metaSK)
}
func refPK(ref string) string                              { return "CASEREF#" + ref }
func casePK(id string) string                              { return "CASE#" + id }
func caseKey(id string) map[string]types.AttributeValue    { return key(casePK(id), metaSK) }
func invoicePK(id string) string                           { return "INVOICE#" + id }
func invoiceKey(id string) map[string]types.AttributeValue { return key(invoicePK(id), metaSK) }
func outboxPK(id string) string                            { return table.OutboxPrefix + id }
func outboxKey(id string) map[string]types.AttributeValue  { return key(outboxPK(id), metaSK) }

// inboundPK holds which departments take cases at an address (one item
// per department, sort key its partition); suppressionPK an address Tandem
// no longer mails. Both key the address as suppression.Normalize does.
func inboundPK(addr string) string { return "INBOUND#" + suppression.Normalize(addr) }
func inboundKey(addr, departmentID string) map[string]types.AttributeValue {
	return key(inboundPK(addr), departmentPK(departmentID))
}
func suppressionPK(addr string) string { return "SUPPRESSED#" + suppression.Normalize(addr) }
func suppressionKey(addr string) map[string]types.AttributeValue {
	return key(suppressionPK(addr), metaSK)
}

// eventSK orders an object's audit events under its partition by the
// object version each event produced: strictly in order, even within one
// millisecond.
func eventSK(version int, id string) string {
	return fmt.Sprintf("%s%010d#%s", eventPrefix, version, id)
}

const eventPrefix = "EVENT#"

// Sweeps that read the sparse due index.
const (
	sweepCase    = "case"
	sweepRenewal = "renewal"
	sweepBilling = "billing"
	sweepOutbox  = "outbox"
	sweepIdle    = "idle"
	// sweepAddendum holds programs whose partners are to be asked to
	// accept a new addendum version.
	sweepAddendum = "addendum"
	// sweepMerge holds members whose merger into another still runs.
	sweepMerge = "merge"
)

func shardOf(id string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % table.DueShards)
}

func duePK(sweep string, shard int) string { return fmt.Sprintf("%s#%d", sweep, shard) }

// dueShards is how many shards sweep's due index has: table.DueShards,
// but one for mergers — rare and few at a time, so the 5-minute run reads
// that sweep with one Query instead of one per shard.
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

// opsAttrs places id in the operators' index of kind at time at.
func opsAttrs(kind, id string, at time.Time) (pk, sk string) {
	return opsPK(kind, shardOf(id)), iso(at) + "#" + id
}

// Lists under one partition, in their indexes.
func hostProgramsPK(memberID string) string { return "HOSTPROGRAMS#" + memberID }
func inboxPK(memberID string) string        { return "INBOX#" + memberID }
func sentPK(memberID string) string         { return "SENT#" + memberID }

// queuePK is one of a member's queue lists (collab.QueueEntry.List),
// searchPK its search index; an entry's sort key is what it sorts by (a
// time, a token), the case and the side, so a member on both sides of a
// case has an entry per side.
func queuePK(memberID, list string) string { return "QUEUE#" + memberID + "#" + list }
func searchPK(memberID string) string      { return "SEARCH#" + memberID }

// splitQueuePK is the member and list of a queue list's key.
func splitQueuePK(pk string) (memberID, list string, ok bool) {
	rest, ok := strings.CutPrefix(pk, "QUEUE#")
	if !ok {
		return "", "", false
	}
	return strings.Cut(rest, "#")
}

// queueCountPK holds a member's queue counters, one item per side.
func queueCountPK(memberID string) string { return "QCOUNT#" + memberID }

// queueCountMember is the member of a counters' key.
func queueCountMember(pk string) (string, bool) { return strings.CutPrefix(pk, "QCOUNT#") }
func queueSK(by, caseID string, side collab.Side) string {
	return by + "#" + caseID + "#" + string(side)
}
func membersByKindPK(kind member.Kind) string      { return "MEMBERS#" + string(kind) }
func memberDepartmentsPK(memberID string) string   { return "MEMDEPT#" + memberID }
func programEnrollmentsPK(programID string) string { return "PRGENR#" + programID }
func memberEnrollmentsPK(memberID string) string   { return "MEMENR#" + memberID }
func memberInvoicesPK(memberID string) string      { return "MEMINV#" + memberID }
func invoiceKeyPK(k string) string                 { return "INVKEY#" + k }
func signupTokenPK(hash string) string             { return "SIGNUP#" + hash }
func signupTokenKey(hash string) map[string]types.AttributeValue {
	return key(signupTokenPK(hash), metaSK)
}
func mailTokenPK(hash string) string                           { return "MAILTOKEN#" + hash }
func mailTokenKey(hash string) map[string]types.AttributeValue { return key(mailTokenPK(hash), metaSK) }

// Idempotency records: the client's key, scoped, after the prefix.
const idemPrefix = "IDEM#"

func idemPK(k string) string                           { return idemPrefix + k }
func idemKey(k string) map[string]types.AttributeValue { return key(idemPK(k), metaSK) }
func idemKeyOf(pk string) string                       { return strings.TrimPrefix(pk, idemPrefix) }

// rateKey counts one rate-limit window starting at start.
func rateKey(k string, start time.Time) map[string]types.AttributeValue {
	return key("RATE#"+k+"#"+strconv.FormatInt(start.Unix(), 10), metaSK)
}

// Webhook deliveries sort under their member by time.
const deliveryPrefix = "DELIVERY#"

func deliverySK(at time.Time, messageID string, attempt int) string {
	return fmt.Sprintf("%s%s#%s#%04d", deliveryPrefix, iso(at), messageID, attempt)
}

// Sign-in links and sessions, by their secret's hash; users by address.
func loginTokenPK(hash string) string { return "LOGIN#" + hash }
func loginTokenKey(hash string) map[string]types.AttributeValue {
	return key(loginTokenPK(hash), metaSK)
}
func sessionPK(hash string) string                           { return "SESSION#" + hash }
func sessionKey(hash string) map[string]types.AttributeValue { return key(sessionPK(hash), metaSK) }
func usersByEmailPK(email string) string                     { return "USEREMAIL#" + strings.ToLower(email) }

// A case's entry in the housekeeping sweep sits under the case; a
// program's in the addendum sweep under the program.
const (
	idleSK     = "IDLE"
	addendumSK = "ADDENDUM"
)

func idleKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{table.PK: av(casePK(id)), table.SK: av(idleSK)}
}

func mergerPK(from string) string                           { return "MERGER#" + from }
func mergerKey(from string) map[string]types.AttributeValue { return key(mergerPK(from), metaSK) }

// A validated configuration; its program's list of them (GSI1).
func configurationPK(id string) string         { return "CONFIG#" + id }
func programConfigurationsPK(id string) string { return "PRGCFG#" + id }
func configurationKey(id string) map[string]types.AttributeValue {
	return key(configurationPK(id), metaSK)
}

// slaReportPK holds a program's SLA report records, by opening time.
func slaReportPK(programID string) string { return "SLAREPORT#" + programID }

// deadLetterPK lists dead letters (GSI1).
const deadLetterPK = "DEADLETTER"

// secretSK is a member's webhook secrets, under the member.
const secretSK = "WEBHOOKSECRET"
