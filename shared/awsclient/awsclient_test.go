package awsclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
)

// A send is made again only when the service certainly did not take the
// first request: a server that answered "throttled" did not send; one that
// failed, or took the request and hung up, may have.
func TestSendingRetriesOnlyWhatWasNotSent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(w http.ResponseWriter)
		want   int // requests the server saw
	}{
		{"throttled", func(w http.ResponseWriter) {
			w.Header().Set("X-Amzn-Errortype", "TooManyRequestsException")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"message":"slow down"}`))
		}, 3},
		{"untyped 429 of a stand-in", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusTooManyRequests)
		}, 3},
		{"internal failure", func(w http.ResponseWriter) {
			w.Header().Set("X-Amzn-Errortype", "InternalFailure")
			w.WriteHeader(http.StatusInternalServerError)
		}, 1},
		{"unavailable", func(w http.ResponseWriter) { w.WriteHeader(http.StatusServiceUnavailable) }, 1},
		{"took the request and hung up", func(w http.ResponseWriter) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seen atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen.Add(1)
				tc.answer(w)
			}))
			defer srv.Close()
			cfg, err := Load(context.Background(), Options{SESEndpoint: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			client := sesv2.NewFromConfig(Sending(cfg), func(o *sesv2.Options) { o.BaseEndpoint = aws.String(srv.URL) })
			_, err = client.SendEmail(context.Background(), mail())
			if err == nil {
				t.Fatal("the send succeeded against a failing server")
			}
			if got := int(seen.Load()); got != tc.want {
				t.Errorf("the server saw %d requests, want %d (err: %v)", got, tc.want, err)
			}
		})
	}
}

// A refused connection never reached the service: it is tried again.
func TestSendingRetriesARefusedConnection(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	var attempts atomic.Int32
	cfg, err := Load(context.Background(), Options{SESEndpoint: url})
	if err != nil {
		t.Fatal(err)
	}
	client := sesv2.NewFromConfig(Sending(cfg), func(o *sesv2.Options) {
		o.BaseEndpoint = aws.String(url)
		o.HTTPClient = countingClient{next: o.HTTPClient, n: &attempts}
	})
	_, err = client.SendEmail(context.Background(), mail())
	if err == nil {
		t.Fatal("a send to a closed port succeeded")
	}
	if got := attempts.Load(); got != 3 {
		t.Errorf("%d attempts at a refused connection, want 3 (err: %v)", got, err)
	}
}

func mail() *sesv2.SendEmailInput {
	return &sesv2.SendEmailInput{
		FromEmailAddress: aws.String("a@example.com"),
		Destination:      &types.Destination{ToAddresses: []string{"b@example.com"}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String("s")}, Body: &types.Body{Text: &types.Content{Data: aws.String("t")}},
		}},
	}
}

type countingClient struct {
	next sesv2.HTTPClient
	n    *atomic.Int32
}

func (c countingClient) Do(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.Do(r)
}
