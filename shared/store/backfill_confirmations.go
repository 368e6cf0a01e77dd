package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
)

// ConfirmationSummary is what BackfillConfirmations did.
type ConfirmationSummary struct {
	Departments int // departments read
	Confirmed   int // inbound addresses confirmed by an acknowledged test case
	Asked       int // confirmation requests mailed
	AskedBefore int // requests a previous run mailed already
	Members     int // members with capture addresses read
}

// askedWindow guards a backfill's confirmation mail: one per owner and
// address a year, however often the backfill runs.
const askedWindow = 365 * 24 * time.Hour

// BackfillConfirmations brings an installation from before address
// confirmation up to it (a one-off migration by Scan, not a request
// path): a department whose enrollment passed validation by its partner
// acknowledging the test case has that inbound address confirmed (the
// test case reached it); every other unconfirmed department and capture
// address is mailed its confirmation link (ask makes the mail), once.
// Safe to run while serving and to run again.
func (s *Store) BackfillConfirmations(ctx context.Context, now time.Time, ask func(kind confirmation.Owner, ownerID, memberName string, r confirmation.Request) notify.Message) (ConfirmationSummary, error) {
	var sum ConfirmationSummary
	var deps []department.Department
	var members []member.Member
	acknowledged := map[string]bool{} // department id → its test case was acknowledged
	err := s.scanTypes(ctx, []string{"department", "enrollment", "member"}, func(typ string, raw map[string]types.AttributeValue) error {
		switch typ {
		case "department":
			var it departmentItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return err
			}
			d, err := it.domain()
			if err != nil {
				return err
			}
			deps = append(deps, d)
		case "member":
			var it memberItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return err
			}
			m, err := it.domain()
			if err != nil {
				return err
			}
			members = append(members, m)
		case "enrollment":
			var it enrollmentItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return err
			}
			e, err := it.domain()
			if err != nil || e.DepartmentID == "" {
				return err
			}
			evs, _, err := s.ListEnrollmentEvents(ctx, e.ID, 200, "")
			if err != nil {
				return err
			}
			for _, ev := range evs {
				if ev.Action == enrollment.Pass && ev.Actor == enrollment.AcknowledgedBy {
					acknowledged[e.DepartmentID] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	names := map[string]string{}
	for _, m := range members {
		names[m.ID] = m.Name
	}
	mailOnce := func(kind confirmation.Owner, id, memberName string, r confirmation.Request) error {
		n, _, err := s.CountInWindow(ctx, "backfill-confirm#"+string(kind)+"#"+id+"#"+confirmation.Normalize(r.Address), askedWindow, now)
		if err != nil {
			return err
		}
		if n > 1 {
			sum.AskedBefore++
			return nil
		}
		sum.Asked++
		return s.Enqueue(ctx, ask(kind, id, memberName, r))
	}
	for _, d := range deps {
		sum.Departments++
		if acknowledged[d.ID] && !d.InboundConfirmed() {
			next := d
			next.Confirmed, next.UpdatedAt, next.Version, next.UpdatedBy = d.Confirmed.With(d.Inbound.Email), now, d.Version+1, "backfill (test case acknowledged before confirmation existed)"
			if err := s.UpdateDepartment(ctx, next, d, nil); err != nil {
				return sum, err
			}
			sum.Confirmed++
			d = next
		}
		for _, r := range d.Unconfirmed() {
			if err := mailOnce(confirmation.Department, d.ID, names[d.MemberID], r); err != nil {
				return sum, err
			}
		}
	}
	for _, m := range members {
		rs := m.Unconfirmed()
		if len(m.CaptureAddresses()) > 0 {
			sum.Members++
		}
		for _, r := range rs {
			if err := mailOnce(confirmation.Member, m.ID, m.Name, r); err != nil {
				return sum, err
			}
		}
	}
	return sum, nil
}

// scanTypes reads every object item (SK meta) of the given types by Scan,
// in one segment: for one-off migrations only.
func (s *Store) scanTypes(ctx context.Context, typeNames []string, each func(typ string, raw map[string]types.AttributeValue) error) error {
	values := map[string]types.AttributeValue{":meta": av(metaSK)}
	for i, t := range typeNames {
		values[":t"+string(rune('a'+i))] = av(t)
	}
	filter := "#sk = :meta AND #t IN ("
	for i := range typeNames {
		if i > 0 {
			filter += ", "
		}
		filter += ":t" + string(rune('a'+i))
	}
	filter += ")"
	var start map[string]types.AttributeValue
	for {
		res, err := s.db.Scan(ctx, &dynamodb.ScanInput{
			TableName: aws.String(s.table), FilterExpression: aws.String(filter),
			ExpressionAttributeNames: map[string]string{"#t": "type", "#sk": "SK"}, ExpressionAttributeValues: values,
			ExclusiveStartKey: start,
		})
		if err != nil {
			return mapErr("scan", err)
		}
		for _, raw := range res.Items {
			t, _ := raw["type"].(*types.AttributeValueMemberS)
			if t == nil {
				continue
			}
			if err := each(t.Value, raw); err != nil {
				return err
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			return nil
		}
		start = res.LastEvaluatedKey
	}
}
