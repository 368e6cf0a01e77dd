package store

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/table"
)

// metaSK is the sort key of an object's own item; its events and children
// sort after it under the same partition.
const metaSK = "#"

func av(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func avN(n int) types.AttributeValue { return &types.AttributeValueMemberN{Value: fmt.Sprint(n)} }

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{table.PK: av(pk), table.SK: av(sk)}
}

func memberPK(id string) string                           { return "MEMBER#" + id }
func memberKey(id string) map[string]types.AttributeValue { return key(memberPK(id), metaSK) }
func domainPK(domain string) string                       { return "DOMAIN#" + domain }
func domainKey(domain string) map[string]types.AttributeValue {
	return key(domainPK(domain), metaSK)
}
func userSK(userID string) string { return "USER#" + userID }
func userKey(memberID, userID string) map[string]types.AttributeValue {
	return key(memberPK(memberID), userSK(userID))
}
func tokenKey(hash string) map[string]types.AttributeValue { return key("TOKEN#"+hash, metaSK) }
func programPK(id string) string                           { return "PROGRAM#" + id }
func programKey(id string) map[string]types.AttributeValue { return key(programPK(id), metaSK) }
func slugKey(slug string) map[string]types.AttributeValue  { return key("SLUG#"+slug, metaSK) }
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
func casePK(id string) string                              { return "CASE#" + id }
func caseKey(id string) map[string]types.AttributeValue    { return key(casePK(id), metaSK) }
func invoicePK(id string) string                           { return "INVOICE#" + id }
func invoiceKey(id string) map[string]types.AttributeValue { return key(invoicePK(id), metaSK) }
func outboxPK(id string) string                            { return "OUTBOX#" + id }
func outboxKey(id string) map[string]types.AttributeValue  { return key(outboxPK(id), metaSK) }

// OutboxIDFromPK returns the outbox id of a stream record's PK, if it is one.
func OutboxIDFromPK(pk string) (string, bool) {
	const p = "OUTBOX#"
	if len(pk) > len(p) && pk[:len(p)] == p {
		return pk[len(p):], true
	}
	return "", false
}

// eventSK orders an object's audit events under its partition by the
// object version each event produced: strictly in order, even within one
// millisecond.
func eventSK(version int, id string) string { return fmt.Sprintf("EVENT#%010d#%s", version, id) }

// Sweeps that read the sparse due index.
const (
	sweepCase    = "case"
	sweepRenewal = "renewal"
	sweepBilling = "billing"
	sweepOutbox  = "outbox"
)

func shardOf(id string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % table.DueShards)
}

func duePK(sweep string, shard int) string { return fmt.Sprintf("%s#%d", sweep, shard) }

// dueAttrs places id in sweep's due index at time at.
func dueAttrs(sweep, id string, at time.Time) (pk, sk string) {
	return duePK(sweep, shardOf(id)), iso(at) + "#" + id
}
