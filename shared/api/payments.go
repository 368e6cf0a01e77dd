package api

import (
	"context"
	"net/http"

	"github.com/tandemhq/tandem/shared/router"
)

// checkoutInvoice serves POST /v1/invoices/{id}/checkout: a Stripe
// Checkout Session paying the open invoice, for the billed member's
// admins. An Idempotency-Key returns the same session on a retry.
func (s *Server) checkoutInvoice(ctx context.Context, r *router.Request) (*router.Response, error) {
	if err := router.Decode(r, &struct{}{}); err != nil {
		return nil, err
	}
	sess, err := s.Payments.Checkout(ctx, r.Principal, r.Param("id"), r.Header("idempotency-key"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusCreated, sess), nil
}

// stripeHook serves POST /v1/hooks/stripe: Stripe's events, verified by
// their Stripe-Signature and applied once each. A bad or stale signature
// is 400 with nothing written; an event Tandem does not act on is
// acknowledged (200), so Stripe stops sending it.
func (s *Server) stripeHook(ctx context.Context, r *router.Request) (*router.Response, error) {
	out, err := s.Payments.HandleEvent(ctx, r.Body, r.Header("stripe-signature"))
	if err != nil {
		return nil, err
	}
	return router.JSON(http.StatusOK, map[string]any{"received": true, "outcome": out}), nil
}
