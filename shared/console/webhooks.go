package console

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/tandemhq/tandem/shared/apperr"
	"github.com/tandemhq/tandem/shared/router"
	"github.com/tandemhq/tandem/shared/webhook"
)

// webhooksPage serves GET /webhooks: the member's signing secret (when it
// was made, never its value), the departments' outbound addresses and the
// delivery log. For the member's admins.
func (s *Server) webhooksPage(ctx context.Context, r *router.Request) (*router.Response, error) {
	w, err := s.webhooksData(ctx, r)
	if err != nil {
		return nil, err
	}
	return router.Page(http.StatusOK, webhooksView(w)), nil
}

// rotateSecretForm serves POST /webhooks/secret: makes a new signing
// secret and shows it on the page it answers with, once (the answer is
// never cached; the previous secret keeps verifying for the grace period).
func (s *Server) rotateSecretForm(ctx context.Context, r *router.Request) (*router.Response, error) {
	memberID, err := webhooksMember(r) // the page's refusals, before anything changes
	if err != nil {
		return nil, err
	}
	secret, err := s.Secrets.Rotate(ctx, r.Principal, memberID)
	if err != nil {
		return nil, err
	}
	w, err := s.webhooksData(ctx, r)
	if err != nil {
		return nil, err
	}
	w.NewSecret = secret
	return router.Page(http.StatusOK, webhooksView(w)), nil
}

// webhooksMember is the member whose webhooks r's user may run: their own,
// as its admin.
func webhooksMember(r *router.Request) (string, error) {
	memberID := r.Principal.MemberID
	if memberID == "" {
		return "", apperr.Forbidden("webhooks belong to a member; operators read a member's deliveries over the API")
	}
	if !r.Principal.AdminOf(memberID) {
		return "", apperr.Forbidden("webhooks are for the member's admins")
	}
	return memberID, nil
}

func (s *Server) webhooksData(ctx context.Context, r *router.Request) (webhooksPage, error) {
	memberID, err := webhooksMember(r)
	if err != nil {
		return webhooksPage{}, err
	}
	loc, _, _ := viewerZone(r)
	w := webhooksPage{Nav: s.nav(r, "webhooks"), Inbound: s.BaseURL + "/v1/hooks/" + memberID}
	set, err := s.Secrets.Current(ctx, r.Principal, memberID)
	switch {
	case errors.Is(err, webhook.ErrNoSecret):
	case err != nil:
		return webhooksPage{}, err
	default:
		w.RotatedAt = set.RotatedAt.In(loc).Format(timeLayout)
		if set.Previous != "" && s.Now().Before(set.PreviousUntil) {
			w.PreviousUntil = set.PreviousUntil.In(loc).Format(timeLayout)
		}
	}
	deps, err := s.Departments.List(ctx, r.Principal, memberID)
	if err != nil {
		return webhooksPage{}, err
	}
	for _, d := range deps {
		if d.Inbound.WebhookURL != "" {
			w.Targets = append(w.Targets, hookTarget{Department: d.Name, URL: d.Inbound.WebhookURL})
		}
	}
	items, next, err := s.Secrets.Deliveries(ctx, r.Principal, memberID, 25, r.Query.Get("cursor"))
	if err != nil {
		return webhooksPage{}, err
	}
	w.NextCursor = next
	for _, d := range items {
		row := deliveryRow{At: d.At.In(loc).Format(timeLayout), EventType: d.EventType, URL: d.URL, Attempt: "attempt " + strconv.Itoa(d.Attempt), OK: d.OK, Error: d.Error}
		switch {
		case d.OK:
			row.Result = "delivered (" + strconv.Itoa(d.Status) + ")"
		case d.Status != 0:
			row.Result = "failed (" + strconv.Itoa(d.Status) + ")"
		default:
			row.Result = "failed"
		}
		w.Rows = append(w.Rows, row)
	}
	return w, nil
}

// hookTarget is one department's outbound webhook address.
type hookTarget struct{ Department, URL string }

// deliveryRow is one attempt in the webhook delivery log.
type deliveryRow struct {
	At, EventType, URL, Attempt, Result, Error string
	OK                                         bool
}

// webhooksPage is a member's integrations: the inbound signing secret, the
// departments' outbound addresses and the delivery log.
type webhooksPage struct {
	Nav nav
	// Inbound is the address vendor systems post signed events to.
	Inbound string
	// RotatedAt is when the secret was last made ("" when there is none);
	// PreviousUntil is how long the one before it still verifies.
	RotatedAt, PreviousUntil string
	// NewSecret is shown once, on the page the rotation answers with.
	NewSecret  string
	Targets    []hookTarget
	Rows       []deliveryRow
	NextCursor string
}
