package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/notify"
)

type outboxItem struct {
	keyAttrs
	ID         string   `dynamodbav:"id"`
	Channel    string   `dynamodbav:"channel"`
	Template   string   `dynamodbav:"template,omitempty"`
	From       string   `dynamodbav:"from,omitempty"`
	To         []string `dynamodbav:"to,omitempty"`
	Cc         []string `dynamodbav:"cc,omitempty"`
	Bcc        []string `dynamodbav:"bcc,omitempty"`
	ReplyTo    []string `dynamodbav:"replyTo,omitempty"`
	Data       string   `dynamodbav:"data,omitempty"`
	Hook       string   `dynamodbav:"hook,omitempty"`
	Ref        string   `dynamodbav:"ref,omitempty"`
	CreatedAt  string   `dynamodbav:"createdAt"`
	State      string   `dynamodbav:"state"`
	Attempts   int      `dynamodbav:"attempts"`
	LeaseUntil string   `dynamodbav:"leaseUntil,omitempty"`
	LastError  string   `dynamodbav:"lastError,omitempty"`
	RetryAt    string   `dynamodbav:"retryAt,omitempty"`
	SentAt     string   `dynamodbav:"sentAt,omitempty"`
	DeadAt     string   `dynamodbav:"deadAt,omitempty"`
	ProviderID string   `dynamodbav:"providerId,omitempty"`
}

// sentRetention is how long delivered outbox items are kept (TTL).
const sentRetention = 30 * 24 * time.Hour

func toOutboxItem(m notify.Message) outboxItem {
	it := outboxItem{
		keyAttrs: keyAttrs{
			PK: outboxPK(m.ID), SK: metaSK, Type: "outbox",
		},
		ID: m.ID, Channel: string(m.Channel),
		Template: m.Template(), From: m.From, To: m.To, Cc: m.Cc, Bcc: m.Bcc, ReplyTo: m.ReplyTo,
		Ref: m.Ref, CreatedAt: iso(m.CreatedAt), State: string(notify.Pending),
	}
	if m.Data != nil {
		it.Data = jsonAttr(m.Data)
	}
	if m.Hook != nil {
		it.Hook = jsonAttr(m.Hook)
	}
	it.DuePK, it.DueSK = dueAttrs(sweepOutbox, m.ID, m.CreatedAt.Add(notify.FirstSweepDelay))
	if m.NotBefore.After(m.CreatedAt) {
		// Not claimable before then (the stream leaves it), and due for the
		// sweep then.
		it.RetryAt = iso(m.NotBefore)
		it.DuePK, it.DueSK = dueAttrs(sweepOutbox, m.ID, m.NotBefore)
	}
	return it
}

func (it outboxItem) message() (notify.Message, error) {
	m := notify.Message{
		ID: it.ID, Channel: notify.Channel(it.Channel), From: it.From,
		To: it.To, Cc: it.Cc, Bcc: it.Bcc, ReplyTo: it.ReplyTo, Ref: it.Ref, CreatedAt: parseISO(it.CreatedAt),
	}
	if it.Template != "" {
		// Data that no longer fits its template stays nil: the notifier
		// then dead-letters the message instead of retrying it forever.
		m.Data, _ = notify.DecodeData(it.Template, []byte(it.Data))
	}
	if it.Hook != "" {
		m.Hook = &notify.HookCall{}
		if err := fromJSON(it.Hook, m.Hook); err != nil {
			return m, fmt.Errorf("outbox %s hook: %w", it.ID, err)
		}
	}
	return m, nil
}

// outboxWrites are the puts that enqueue msgs inside another write's transaction.
func (s *Store) outboxWrites(msgs []notify.Message) []txItem {
	out := make([]txItem, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, s.putNew(marshal(toOutboxItem(m)), apperr.Conflict("outbox item %s already exists", m.ID)))
	}
	return out
}

// ClaimOutbox implements delivery.OutboxStore. The claim also moves the item's
// due time to the end of the lease, so a worker that dies mid-send leaves the
// item for the sweep.
func (s *Store) ClaimOutbox(ctx context.Context, id string, now time.Time, lease time.Duration) (notify.Message, int, error) {
	until := now.Add(lease)
	duePK, dueSK := dueAttrs(sweepOutbox, id, until)
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        aws.String(s.table),
		Key:              outboxKey(id),
		UpdateExpression: aws.String("SET #s = :sending, leaseUntil = :until, attempts = attempts + :one, DuePK = :dpk, DueSK = :dsk"),
		// A pending item waiting out its backoff (retryAt) is not claimable
		// yet: a stream redelivery must not retry ahead of it.
		ConditionExpression:      aws.String("attribute_exists(PK) AND ((#s = :pending AND (attribute_not_exists(retryAt) OR retryAt <= :now)) OR (#s = :sending AND leaseUntil < :now))"),
		ExpressionAttributeNames: map[string]string{"#s": "state"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":sending": av(string(notify.Sending)), ":pending": av(string(notify.Pending)),
			":until": av(iso(until)), ":now": av(iso(now)), ":one": avN(1), ":dpk": av(duePK), ":dsk": av(dueSK),
		},
		ReturnValues:           types.ReturnValueAllNew,
		ReturnConsumedCapacity: returnCapacity(ctx),
	})
	if err != nil {
		var ccf *types.ConditionalCheckFailedException
		if errors.As(err, &ccf) {
			return notify.Message{}, 0, notify.ErrNotClaimable
		}
		return notify.Message{}, 0, mapErr("claim outbox "+id, err)
	}
	recordWrite(ctx, out.ConsumedCapacity)
	var it outboxItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return notify.Message{}, 0, fmt.Errorf("claim outbox %s: %w", id, err)
	}
	m, err := it.message()
	return m, it.Attempts, err
}

func (s *Store) finishOutbox(ctx context.Context, op, id string, attempt int, expr string, values map[string]types.AttributeValue) error {
	values[":sending"] = av(string(notify.Sending))
	values[":attempt"] = avN(attempt)
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.table),
		Key:                       outboxKey(id),
		UpdateExpression:          aws.String(expr),
		ConditionExpression:       aws.String("#s = :sending AND attempts = :attempt"),
		ExpressionAttributeNames:  map[string]string{"#s": "state"},
		ExpressionAttributeValues: values,
		ReturnConsumedCapacity:    returnCapacity(ctx),
	})
	if err != nil {
		return mapErr(op+" "+id, err)
	}
	recordWrite(ctx, out.ConsumedCapacity)
	return nil
}

// MarkSent implements delivery.OutboxStore.
func (s *Store) MarkSent(ctx context.Context, id string, attempt int, providerID string, now time.Time) error {
	return s.finishOutbox(ctx, "mark sent", id, attempt,
		"SET #s = :sent, sentAt = :now, providerId = :pid, expiresAt = :exp REMOVE DuePK, DueSK, leaseUntil",
		map[string]types.AttributeValue{
			":sent": av(string(notify.Sent)), ":now": av(iso(now)), ":pid": av(providerID),
			":exp": &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Add(sentRetention).Unix(), 10)},
		})
}

// MarkRetry implements delivery.OutboxStore.
func (s *Store) MarkRetry(ctx context.Context, id string, attempt int, next time.Time, reason string) error {
	duePK, dueSK := dueAttrs(sweepOutbox, id, next)
	return s.finishOutbox(ctx, "mark retry", id, attempt,
		"SET #s = :pending, lastError = :err, retryAt = :next, DuePK = :dpk, DueSK = :dsk REMOVE leaseUntil",
		map[string]types.AttributeValue{
			":pending": av(string(notify.Pending)), ":err": av(truncate(reason, 1000)), ":next": av(iso(next)), ":dpk": av(duePK), ":dsk": av(dueSK),
		})
}

// MarkDead implements delivery.OutboxStore.
func (s *Store) MarkDead(ctx context.Context, id string, attempt int, reason string, now time.Time) error {
	return s.finishOutbox(ctx, "mark dead", id, attempt,
		"SET #s = :dead, deadAt = :now, lastError = :err, GSI1PK = :dl, GSI1SK = :dlsk REMOVE DuePK, DueSK, leaseUntil",
		map[string]types.AttributeValue{
			":dead": av(string(notify.Dead)), ":now": av(iso(now)), ":err": av(truncate(reason, 1000)),
			":dl": av(deadLetterPK), ":dlsk": av(iso(now) + "#" + id),
		})
}

// GetOutbox returns one outbox item's message and state, for tests and tools.
func (s *Store) GetOutbox(ctx context.Context, id string) (notify.Message, notify.State, int, error) {
	var it outboxItem
	if err := s.getItem(ctx, "get outbox", outboxKey(id), &it, apperr.NotFound("outbox item %s not found", id)); err != nil {
		return notify.Message{}, "", 0, err
	}
	m, err := it.message()
	return m, notify.State(it.State), it.Attempts, err
}
