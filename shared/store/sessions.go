package store

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/session"
)

type loginTokenItem struct {
	keyAttrs
	Operator     bool   `dynamodbav:"operator,omitempty"`
	UserID       string `dynamodbav:"userId"`
	MemberID     string `dynamodbav:"memberId"`
	Email        string `dynamodbav:"email"`
	Next         string `dynamodbav:"next"`
	ExpiresAtISO string `dynamodbav:"expiresAtIso"`
	Used         bool   `dynamodbav:"used"`
	ExpiresAt    int64  `dynamodbav:"expiresAt"`
}

type sessionItem struct {
	keyAttrs
	Operator     bool   `dynamodbav:"operator,omitempty"`
	UserID       string `dynamodbav:"userId"`
	MemberID     string `dynamodbav:"memberId"`
	CreatedAt    string `dynamodbav:"createdAt"`
	ExpiresAtISO string `dynamodbav:"expiresAtIso"`
	ExpiresAt    int64  `dynamodbav:"expiresAt"`
}

// newLoginTokenItem is a sign-in link as stored; the table forgets it a day
// after it expires.
func newLoginTokenItem(t session.LoginToken) loginTokenItem {
	return loginTokenItem{
		keyAttrs: keyAttrs{
			PK: loginTokenPK(t.Hash), SK: metaSK, Type: "login_token",
		},
		Operator: t.Operator, UserID: t.UserID, MemberID: t.MemberID, Email: t.Email,
		Next: t.Next, ExpiresAtISO: iso(t.ExpiresAt), ExpiresAt: t.ExpiresAt.Add(24 * time.Hour).Unix(),
	}
}

// toSessionItem is a session as stored; the table forgets it when it
// expires.
func toSessionItem(ses session.Session) sessionItem {
	return sessionItem{
		keyAttrs: keyAttrs{
			PK: sessionPK(ses.Hash), SK: metaSK, Type: "session",
		},
		Operator: ses.Operator, UserID: ses.UserID, MemberID: ses.MemberID,
		CreatedAt: iso(ses.CreatedAt), ExpiresAtISO: iso(ses.ExpiresAt), ExpiresAt: ses.ExpiresAt.Unix(),
	}
}

// GetLoginToken implements session.Store.
func (s *Store) GetLoginToken(ctx context.Context, hash string) (session.LoginToken, error) {
	var it loginTokenItem
	if err := s.getItem(ctx, "get login token", loginTokenKey(hash), &it, apperr.NotFound("unknown sign-in link")); err != nil {
		return session.LoginToken{}, err
	}
	return session.LoginToken{Hash: hash, Operator: it.Operator, UserID: it.UserID, MemberID: it.MemberID, Email: it.Email, Next: it.Next,
		ExpiresAt: parseISO(it.ExpiresAtISO), Used: it.Used}, nil
}

// GetSession implements session.Store.
func (s *Store) GetSession(ctx context.Context, hash string) (session.Session, error) {
	var it sessionItem
	if err := s.getItem(ctx, "get session", sessionKey(hash), &it, apperr.NotFound("no session")); err != nil {
		return session.Session{}, err
	}
	return session.Session{Hash: hash, Operator: it.Operator, UserID: it.UserID, MemberID: it.MemberID, CreatedAt: parseISO(it.CreatedAt), ExpiresAt: parseISO(it.ExpiresAtISO)}, nil
}

// ExtendSession implements session.Store: a sliding expiry, only while the
// session exists.
func (s *Store) ExtendSession(ctx context.Context, hash string, expires time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table), Key: sessionKey(hash),
		UpdateExpression:    aws.String("SET expiresAtIso = :iso, expiresAt = :exp"),
		ConditionExpression: aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":iso": av(iso(expires)), ":exp": avN64(expires.Unix()),
		},
	})
	return mapErr("extend session", err)
}

// EndSession implements session.Store.
func (s *Store) EndSession(ctx context.Context, hash string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table), Key: sessionKey(hash)})
	return mapErr("end session", err)
}
