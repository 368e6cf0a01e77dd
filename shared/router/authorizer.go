package router

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/member"
)

// Credentials finds the stored credential of a token hash.
type Credentials interface {
	GetCredential(ctx context.Context, hash string) (member.Credential, error)
}

// Authorizer is the API Gateway Lambda authorizer (simple responses): it
// turns a bearer token into a principal, or refuses it.
type Authorizer struct {
	Credentials Credentials
	Log         *slog.Logger
	// Deadline bounds the credential lookup; zero means Deadline.
	Deadline time.Duration
}

// Authenticate resolves a bearer header to a principal. A missing, unknown
// or revoked token is ErrUnauthorized; a failing table is ErrUnavailable.
func (a *Authorizer) Authenticate(ctx context.Context, header string) (auth.Principal, error) {
	tok, ok := auth.BearerToken(header)
	if !ok {
		return auth.Principal{}, apperr.Unauthorized("send a valid API token as Authorization: Bearer <token>")
	}
	cred, err := a.Credentials.GetCredential(ctx, auth.Hash(tok))
	if err != nil {
		return auth.Principal{}, err
	}
	if cred.Revoked {
		return auth.Principal{}, apperr.Unauthorized("this API token was revoked")
	}
	return auth.Principal{Operator: cred.Operator, MemberID: cred.MemberID, UserID: cred.UserID, Roles: cred.Roles}, nil
}

// Handle is the Lambda entry point. API Gateway HTTP APIs answer a refusing
// simple-response authorizer with a bare 403, but the contract promises 401
// with its error body and a reason. So the authorizer resolves identity and
// passes a refusal on in the context (authError); the router turns it into
// the contract's 401. Requests without any Authorization header never get
// here: API Gateway answers them 401 itself. Only a failing dependency is
// returned as an error.
func (a *Authorizer) Handle(ctx context.Context, req events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
	header := req.Headers["authorization"]
	if header == "" && len(req.IdentitySource) > 0 {
		header = req.IdentitySource[0]
	}
	// The same bound as a request's: a stalled table fails the authorizer
	// fast instead of holding the caller until API Gateway gives up.
	ctx, cancel := context.WithTimeout(ctx, deadlineOr(a.Deadline))
	defer cancel()
	p, err := a.Authenticate(ctx, header)
	if err != nil {
		if errors.Is(err, apperr.ErrUnauthorized) {
			msg, _, _ := apperr.Public(err)
			return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: true, Context: map[string]any{"authError": msg}}, nil
		}
		log := a.Log
		if log == nil {
			log = slog.Default()
		}
		log.Error("authorizer failed", "err", err)
		return events.APIGatewayV2CustomAuthorizerSimpleResponse{}, err
	}
	return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: true, Context: PrincipalContext(p)}, nil
}
