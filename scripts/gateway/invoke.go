package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tandemhq/tandem/shared/routes"
)

// Invoke runs function fn's handler on a raw event, as Lambda would, and
// returns its result. The event's shape follows the function's kind.
func (g *Gateway) Invoke(ctx context.Context, fn string, raw []byte) (any, error) {
	f, ok := routes.FunctionByName(fn)
	if !ok {
		return nil, fmt.Errorf("no function %q", fn)
	}
	switch f.Kind {
	case routes.HTTP:
		var ev events.APIGatewayV2HTTPRequest
		if err := strict(raw, &ev); err != nil {
			return nil, err
		}
		return g.handlers[fn](ctx, ev)
	case routes.Authorize:
		var ev events.APIGatewayV2CustomAuthorizerV2Request
		if err := strict(raw, &ev); err != nil {
			return nil, err
		}
		return g.app.Authorizer.Handle(ctx, ev)
	case routes.Stream:
		var ev events.DynamoDBEvent
		if err := strict(raw, &ev); err != nil {
			return nil, err
		}
		return g.app.Stream.HandleStream(ctx, ev)
	case routes.Scheduled:
		var ev events.EventBridgeEvent
		if err := strict(raw, &ev); err != nil {
			return nil, err
		}
		job, ok := g.app.Jobs()[fn]
		if !ok {
			return nil, fmt.Errorf("function %s has no job", fn)
		}
		return job(ctx, ev.Time.UTC())
	case routes.Event:
		var ev events.EventBridgeEvent
		if err := strict(raw, &ev); err != nil {
			return nil, err
		}
		return g.app.MailEvents.Handle(ctx, ev)
	}
	return nil, fmt.Errorf("function %s: unknown kind %s", fn, f.Kind)
}

// strict decodes an event, refusing fields the event type does not have, so
// a sample event with a typo fails instead of silently losing the field.
func strict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode event: %w", err)
	}
	return nil
}
