package store

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/enrollment"
	"github.com/tandemhq/tandem/shared/table"
)

// CountProgramEnrollments counts a program's enrollments per status: one
// query over the program's GSI1 partition reading only the sort key (whose
// first part is the status).
func (s *Store) CountProgramEnrollments(ctx context.Context, programID string) (map[enrollment.Status]int, error) {
	out := map[enrollment.Status]int{}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		IndexName:                 aws.String(table.GSI1),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ProjectionExpression:      aws.String("#sk"),
		ExpressionAttributeNames:  map[string]string{"#pk": table.GSI1PK, "#sk": table.GSI1SK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": av(programEnrollmentsPK(programID))},
		ReturnConsumedCapacity:    returnCapacity(ctx),
	}
	for {
		page, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, mapErr("count program enrollments", err)
		}
		recordRead(ctx, len(page.Items), page.ConsumedCapacity)
		for _, it := range page.Items {
			if sk, ok := it[table.GSI1SK].(*types.AttributeValueMemberS); ok {
				status, _, _ := strings.Cut(sk.Value, "#")
				out[enrollment.Status(status)]++
			}
		}
		if len(page.LastEvaluatedKey) == 0 {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}
