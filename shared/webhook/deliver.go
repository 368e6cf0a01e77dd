package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/shared/department"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/member"
	"github.com/tandemhq/tandem/shared/notify"
)

// Delivery is one attempt to deliver an event, kept for the member to see.
type Delivery struct {
	ID           string
	MemberID     string
	DepartmentID string
	MessageID    string
	EventType    string
	URL          string
	Attempt      int
	At           time.Time
	Status       int
	OK           bool
	Error        string
	DurationMS   int64
}

// Store is what deliveries need of the table.
type Store interface {
	GetWebhookSecrets(ctx context.Context, memberID string) (SecretSet, error)
	RecordDelivery(ctx context.Context, d Delivery) error
	GetDepartment(ctx context.Context, id string) (department.Department, error)
	// DisableWebhook turns a department's webhook off and queues msgs.
	DisableWebhook(ctx context.Context, departmentID string, msgs []notify.Message) error
	ListMemberUsers(ctx context.Context, memberID string) ([]member.User, error)
}

// Envelope is the body of every outbound event.
type Envelope struct {
	Type      string `json:"type"`
	Timestamp string `json:"timestamp"`
	Data      any    `json:"data"`
}

// Queue builds outbox messages for department webhooks.
type Queue struct {
	Store Store
}

// Event returns the outbox message delivering eventType to the department's
// webhook, or nil when the department has none (or it is disabled, or its
// member has no secret to sign with).
func (q Queue) Event(ctx context.Context, d department.Department, eventType string, data any, now time.Time) (*notify.Message, error) {
	if d.Inbound.WebhookURL == "" || d.WebhookDisabled {
		return nil, nil
	}
	if _, err := q.Store.GetWebhookSecrets(ctx, d.MemberID); err != nil {
		if errors.Is(err, ErrNoSecret) {
			return nil, nil
		}
		return nil, err
	}
	body, err := json.Marshal(Envelope{Type: eventType, Timestamp: now.UTC().Format(time.RFC3339), Data: data})
	if err != nil {
		return nil, fmt.Errorf("webhook body: %w", err)
	}
	return &notify.Message{
		ID: ident.New(ident.Outbox, now), Channel: notify.Webhook, Ref: d.ID, CreatedAt: now,
		Hook: &notify.HookCall{MemberID: d.MemberID, DepartmentID: d.ID, URL: d.Inbound.WebhookURL, EventType: eventType, Body: body},
	}, nil
}

// Request is one signed webhook request, as the receiver gets it.
type Request struct {
	URL     string
	Headers Headers
	Body    []byte
}

// Sender sends one request and returns the receiver's HTTP status (package
// hookhttp, over HTTPS). An error wrapping ErrRefused is an address the
// guard refused, one wrapping notify.ErrPermanent a request that can never
// be sent; any other error is worth a retry.
type Sender interface {
	Send(ctx context.Context, r Request) (status int, err error)
}

// Poster delivers webhook messages (delivery.Poster): signed with the
// member's current secret, the outbox id as webhook-id (stable across
// retries, so receivers can dedupe), a fresh timestamp per attempt; every
// attempt is recorded for the member to see.
type Poster struct {
	Store  Store
	Sender Sender
	Origin notify.Origin
	Log    *slog.Logger
}

// Post implements delivery.Poster.
func (p *Poster) Post(ctx context.Context, msgID string, attempt int, call notify.HookCall, now time.Time) error {
	d := Delivery{
		ID: ident.New(ident.Delivery, now), MemberID: call.MemberID, DepartmentID: call.DepartmentID, MessageID: msgID,
		EventType: call.EventType, URL: call.URL, Attempt: attempt, At: now,
	}
	err := p.post(ctx, msgID, call, now, &d)
	if err != nil {
		d.Error = err.Error()
	}
	if rerr := p.Store.RecordDelivery(context.WithoutCancel(ctx), d); rerr != nil {
		p.log().Warn("could not record a webhook delivery", "err", rerr)
	}
	return err
}

func (p *Poster) post(ctx context.Context, msgID string, call notify.HookCall, now time.Time, d *Delivery) error {
	secrets, err := p.Store.GetWebhookSecrets(ctx, call.MemberID)
	if err != nil {
		if errors.Is(err, ErrNoSecret) {
			return fmt.Errorf("member %s has no webhook secret: %w", call.MemberID, notify.ErrPermanent)
		}
		return err
	}
	ts := now.Unix()
	sig, err := Sign(secrets.Current, msgID, ts, call.Body)
	if err != nil {
		return fmt.Errorf("%v: %w", err, notify.ErrPermanent)
	}
	start := time.Now()
	status, err := p.Sender.Send(ctx, Request{
		URL:     call.URL,
		Headers: Headers{ID: msgID, Timestamp: strconv.FormatInt(ts, 10), Signature: sig},
		Body:    call.Body,
	})
	d.DurationMS = time.Since(start).Milliseconds()
	switch {
	case errors.Is(err, ErrRefused):
		return fmt.Errorf("%v: %w", err, notify.ErrPermanent)
	case errors.Is(err, notify.ErrPermanent):
		return err
	case err != nil:
		return fmt.Errorf("post %s: %w", call.URL, err)
	}
	d.Status = status
	if status < 200 || status > 299 {
		return fmt.Errorf("the receiver answered %d", status)
	}
	d.OK = true
	return nil
}

// WebhookDead implements delivery.DeadHook: after a day of failures (or a
// refused address) the department's webhook is turned off and its member's
// admins are told.
func (p *Poster) WebhookDead(ctx context.Context, msg notify.Message, reason string, now time.Time) error {
	if msg.Hook == nil || msg.Hook.DepartmentID == "" {
		return nil
	}
	dep, err := p.Store.GetDepartment(ctx, msg.Hook.DepartmentID)
	if err != nil {
		return err
	}
	if dep.WebhookDisabled || dep.Inbound.WebhookURL != msg.Hook.URL {
		return nil // already off, or the URL was changed since
	}
	users, err := p.Store.ListMemberUsers(ctx, dep.MemberID)
	if err != nil {
		return err
	}
	to := member.AdminAddresses(users)
	var msgs []notify.Message
	if len(to) > 0 {
		msgs = append(msgs, notify.Message{
			ID: ident.New(ident.Outbox, now), Channel: notify.Email, From: p.Origin.From,
			To: to, Ref: dep.ID, CreatedAt: now,
			Data: notify.WebhookDisabled{DepartmentName: dep.Name, URL: dep.Inbound.WebhookURL, Reason: reason, BaseURL: p.Origin.BaseURL, DepartmentID: dep.ID, MemberID: dep.MemberID},
		})
	}
	return p.Store.DisableWebhook(ctx, dep.ID, msgs)
}

func (p *Poster) log() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.Default()
}
