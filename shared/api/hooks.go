package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/collab"
	"github.com/tandemhq/tandem/shared/idem"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/webhook"
)

// HookStore is what inbound webhooks need besides the case service.
type HookStore interface {
	GetWebhookSecrets(ctx context.Context, memberID string) (webhook.SecretSet, error)
	GetUser(ctx context.Context, memberID, userID string) (member.User, error)
	ListDeliveries(ctx context.Context, memberID string, limit int, cursor string) ([]webhook.Delivery, string, error)
}

// HookRetention is how long a webhook-id is remembered per member.
const HookRetention = 7 * 24 * time.Hour

// hookWait is the least a concurrent redelivery waits for the first;
// it waits longer when its deadline allows, up to hookMargin before it.
const (
	hookWait   = 1500 * time.Millisecond
	hookMargin = 300 * time.Millisecond
)

// HookClaim is the idempotency key and body fingerprint under which
// webhook-id id of member memberID is processed once.
func HookClaim(memberID, id string, body []byte) (key, fingerprint string) {
	return "hook#" + memberID + "#" + id, idem.Fingerprint("POST", "/v1/hooks/"+memberID, body)
}

var hookActions = map[string]collab.Action{
	"case.accept": collab.Accept, "case.request_info": collab.RequestInfo, "case.note": collab.Note,
	"case.reject": collab.Reject, "case.close": collab.Close,
}

// inboundHook serves POST /v1/hooks/{memberId}: a vendor's CRM posting case
// events, signed per Standard Webhooks. Each type runs the same domain
// operation as its API endpoint. A webhook-id is processed once per member;
// redeliveries, even concurrent ones, answer what the first did.
func (s *Server) inboundHook(ctx context.Context, r *router.Request) (*router.Response, error) {
	memberID := r.Param("memberId")
	unauthorized := apperr.Unauthorized("the webhook signature does not verify for this member")
	if !ident.Valid(ident.Member, memberID) {
		return nil, unauthorized
	}
	secrets, err := s.Hooks.GetWebhookSecrets(ctx, memberID)
	if errors.Is(err, webhook.ErrNoSecret) {
		return nil, apperr.Unauthorized("this member has no webhook secret; an admin creates one with POST /v1/members/{id}/webhook-secret")
	}
	if err != nil {
		return nil, err
	}
	now := s.Now()
	h := webhook.Headers{ID: r.Header("webhook-id"), Timestamp: r.Header("webhook-timestamp"), Signature: r.Header("webhook-signature")}
	if err := webhook.Verify(secrets.Valid(now), h, r.Body, now); err != nil {
		return nil, err
	}

	key, hash := HookClaim(memberID, h.ID, r.Body)
	g := router.Guard{Store: s.Idempotency, Log: s.Log}
	return g.Do(ctx, now, router.Once{
		Key: key, BodyHash: hash, Retention: HookRetention,
		Mismatch: apperr.InvalidField("webhook-id", "was already used for a different event; each event needs its own id"),
		Taken: func(ctx context.Context, rec idem.Record) (*router.Response, error) {
			return s.awaitHook(ctx, key, rec, memberID, secrets.UserID, r.Body)
		},
		Run: func(ctx context.Context, claim idem.Claim) (*router.Response, error) {
			return s.runHook(ctx, claim, memberID, secrets.UserID, r.Body)
		},
	})
}

// awaitHook answers a redelivery with the first delivery's answer, waiting
// while the first is still being processed: up to hookWait, or until just
// before the request's own deadline when that is later. When the first
// delivery committed its change but has not stored its answer yet, the
// answer is rebuilt from the case it wrote, so every delivery of one event
// gets the same status and case.
func (s *Server) awaitHook(ctx context.Context, key string, rec idem.Record, memberID, userID string, body []byte) (*router.Response, error) {
	until := time.Now().Add(hookWait)
	if d, ok := ctx.Deadline(); ok && d.Add(-hookMargin).After(until) {
		until = d.Add(-hookMargin)
	}
	for rec.State != idem.Completed {
		if time.Now().After(until) {
			if rec.State == idem.Committed {
				return s.replayHook(ctx, rec.ResultID, memberID, userID, body)
			}
			return nil, apperr.Conflict("this webhook-id is still being processed; redeliver in a few seconds")
		}
		select {
		case <-ctx.Done():
			return nil, apperr.Unavailable(ctx.Err(), "the first delivery of this webhook-id did not finish in time; redeliver")
		case <-time.After(25 * time.Millisecond):
		}
		var err error
		if rec, err = s.Idempotency.GetIdempotency(ctx, key); err != nil {
			if errors.Is(err, apperr.ErrNotFound) {
				return nil, apperr.Conflict("the first delivery of this webhook-id failed; redeliver")
			}
			return nil, err
		}
	}
	return router.Replay(rec), nil
}

// replayHook answers a redelivery whose first delivery wrote case caseID:
// the case as it stands, with the status the event type answers.
func (s *Server) replayHook(ctx context.Context, caseID, memberID, userID string, body []byte) (*router.Response, error) {
	var env hookEnvelope
	_ = json.Unmarshal(body, &env) // it verified and decoded on the first delivery
	u, err := s.Hooks.GetUser(ctx, memberID, userID)
	if err != nil {
		return nil, err
	}
	c, err := s.Cases.Get(ctx, u.Principal(), caseID)
	if err != nil {
		return nil, err
	}
	status := http.StatusOK
	if env.Type == "case.create" {
		status = http.StatusCreated
	}
	resp := router.JSON(status, viewCase(c))
	if resp.Status == status {
		resp.Headers["idempotent-replayed"] = "true"
	}
	return resp, nil
}

type hookEnvelope struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

func (s *Server) runHook(ctx context.Context, claim idem.Claim, memberID, userID string, body []byte) (*router.Response, error) {
	var env hookEnvelope
	if err := router.Decode(&router.Request{Body: body}, &env); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(env.Data)) == 0 || env.Data[0] != '{' {
		return nil, apperr.InvalidField("data", "must be an object: the body of the matching API call")
	}
	u, err := s.Hooks.GetUser(ctx, memberID, userID)
	if err != nil {
		return nil, err
	}
	if u.Status != member.UserActive {
		return nil, apperr.Unauthorized("the member's webhook integration user was revoked")
	}
	p := u.Principal()

	if env.Type == "case.create" {
		var in collab.NewCase
		if err := router.Decode(&router.Request{Body: env.Data}, &in); err != nil {
			return nil, prefixFields(err, "data.")
		}
		c, err := s.Cases.Open(ctx, p, in, claim)
		if err != nil {
			return nil, prefixFields(err, "data.")
		}
		return router.JSON(http.StatusCreated, viewCase(c)), nil
	}
	action, ok := hookActions[env.Type]
	if !ok {
		return nil, apperr.InvalidField("type", "must be one of case.create, case.accept, case.request_info, case.note, case.reject, case.close")
	}
	var ref struct {
		CaseID string `json:"caseId"`
	}
	_ = json.Unmarshal(env.Data, &ref)
	if ref.CaseID == "" {
		return nil, apperr.InvalidField("data.caseId", "is required for "+env.Type)
	}
	var rest map[string]json.RawMessage
	_ = json.Unmarshal(env.Data, &rest)
	delete(rest, "caseId")
	actBody, _ := json.Marshal(rest)
	act, err := DecodeAct(action, actBody)
	if err != nil {
		return nil, prefixFields(err, "data.")
	}
	c, err := s.Cases.Do(ctx, p, ref.CaseID, act, claim)
	if err != nil {
		return nil, prefixFields(err, "data.")
	}
	return router.JSON(http.StatusOK, viewCase(c)), nil
}

// prefixFields moves validation field paths under the envelope's data.
func prefixFields(err error, prefix string) error {
	var ae *apperr.Error
	if errors.As(err, &ae) && len(ae.Fields) > 0 {
		out := *ae
		out.Fields = map[string]string{}
		for k, v := range ae.Fields {
			out.Fields[prefix+k] = v
		}
		return &out
	}
	return err
}

func (s *Server) rotateWebhookSecret(ctx context.Context, r *router.Request) (*router.Response, error) {
	var in struct{}
	if err := router.Decode(r, &in); err != nil {
		return nil, err
	}
	secret, err := s.Secrets.Rotate(ctx, r.Principal, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusCreated, map[string]string{"secret": secret}), nil
}

func (s *Server) listDeliveries(ctx context.Context, r *router.Request) (*router.Response, error) {
	limit, cursor, err := pageParams(r)
	if err != nil {
		return nil, err
	}
	items, next, err := s.Secrets.Deliveries(ctx, r.Principal, r.Param("id"), limit, cursor)
	if err != nil {
		return nil, err
	}
	type view struct {
		ID           string `json:"id"`
		DepartmentID string `json:"departmentId"`
		WebhookID    string `json:"webhookId"`
		EventType    string `json:"eventType"`
		URL          string `json:"url"`
		Attempt      int    `json:"attempt"`
		At           string `json:"at"`
		Status       int    `json:"status,omitempty"`
		OK           bool   `json:"ok"`
		Error        string `json:"error,omitempty"`
		DurationMS   int64  `json:"durationMs"`
	}
	out := make([]view, 0, len(items))
	for _, d := range items {
		out = append(out, view{ID: d.ID, DepartmentID: d.DepartmentID, WebhookID: d.MessageID, EventType: d.EventType, URL: d.URL,
			Attempt: d.Attempt, At: ts(d.At), Status: d.Status, OK: d.OK, Error: d.Error, DurationMS: d.DurationMS})
	}
	return router.JSON(http.StatusOK, listOf(out, next)), nil
}
