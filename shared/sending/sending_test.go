package sending_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/tandemhq/tandem/shared/sending"
)

// Easy DKIM: one CNAME per token, <token>._domainkey.<domain> pointing at
// <token>.dkim.amazonses.com, in the tokens' order.
func TestRecords(t *testing.T) {
	got := sending.Records("host.example", []string{"t1", "t2", "t3"})
	want := []sending.Record{
		{Name: "t1._domainkey.host.example", Type: "CNAME", Value: "t1.dkim.amazonses.com"},
		{Name: "t2._domainkey.host.example", Type: "CNAME", Value: "t2.dkim.amazonses.com"},
		{Name: "t3._domainkey.host.example", Type: "CNAME", Value: "t3.dkim.amazonses.com"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Records = %+v\nwant %+v", got, want)
	}
	if got := sending.Records("host.example", nil); len(got) != 0 {
		t.Errorf("no tokens gave %v records", got)
	}
}

// The identity API as the fake plays it (the local stack's and the tests'
// stand-in for SES): a domain is pending until verified, domains are one
// whatever their case, and the first owner keeps it — a second member
// asking for a domain gets it as it is, owned by the first.
func TestFakeIdentities(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		steps    func(f *sending.Fake)
		domain   string
		err      error
		verified bool
		status   string
		owner    string
	}{
		{"unknown domain", func(*sending.Fake) {}, "host.example", sending.ErrUnknown, false, "", ""},
		{"created is pending", func(f *sending.Fake) { f.Create(ctx, "host.example", "mem_a") }, "host.example", nil, false, "PENDING", "mem_a"},
		{"verified succeeds", func(f *sending.Fake) { f.Create(ctx, "host.example", "mem_a"); f.Verify("host.example") }, "host.example", nil, true, "SUCCESS", "mem_a"},
		{"case does not matter", func(f *sending.Fake) { f.Create(ctx, "Host.Example", "mem_a"); f.Verify("HOST.example") }, "host.EXAMPLE", nil, true, "SUCCESS", "mem_a"},
		{"the first owner keeps the domain", func(f *sending.Fake) { f.Create(ctx, "host.example", "mem_a"); f.Create(ctx, "host.example", "mem_b") },
			"host.example", nil, false, "PENDING", "mem_a"},
		{"a domain added by hand has no owner", func(f *sending.Fake) { f.Add("host.example", ""); f.Create(ctx, "host.example", "mem_b") },
			"host.example", nil, false, "PENDING", ""},
		{"verifying an unknown domain does not create it", func(f *sending.Fake) { f.Verify("host.example") }, "host.example", sending.ErrUnknown, false, "", ""},
		{"auto-verify verifies on the first read", func(f *sending.Fake) { f.AutoVerify = true; f.Create(ctx, "host.example", "mem_a") },
			"host.example", nil, true, "SUCCESS", "mem_a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &sending.Fake{}
			tc.steps(f)
			id, err := f.Get(ctx, tc.domain)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Get: %v, want %v", err, tc.err)
			}
			if err != nil {
				return
			}
			if id.Verified != tc.verified || id.Status != tc.status || id.Owner != tc.owner {
				t.Errorf("got verified %v status %s owner %q; want %v %s %q", id.Verified, id.Status, id.Owner, tc.verified, tc.status, tc.owner)
			}
			if id.Domain != "host.example" || len(id.Records) != 3 || id.Records[0].Type != "CNAME" {
				t.Errorf("got domain %q with %v", id.Domain, id.Records)
			}
		})
	}
}

// Create answers an existing identity as it is, verified or not.
func TestFakeCreateExisting(t *testing.T) {
	ctx := context.Background()
	f := &sending.Fake{}
	if _, err := f.Create(ctx, "host.example", "mem_a"); err != nil {
		t.Fatal(err)
	}
	f.Verify("host.example")
	id, err := f.Create(ctx, "host.example", "mem_b")
	if err != nil || !id.Verified || id.Owner != "mem_a" {
		t.Errorf("second create: %+v, %v; want mem_a's verified identity", id, err)
	}
}

var _ sending.Identities = (*sending.Fake)(nil)
