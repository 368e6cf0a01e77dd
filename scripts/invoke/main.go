// Command invoke runs one function's handler on a sample event against the
// local stand-ins (`make invoke FN=approval EVENT=events/approval-create-member.json`),
// prints what the handler returned, then delivers the notifications it
// caused and prints the mails the local SES received.
//
// HTTP events carry their principal in requestContext.authorizer.lambda, as
// API Gateway passes it. Authorizer events may use the local operator token
// tdm_local_invoke_operator, which this command seeds.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/tandemhq/tandem/scripts/gateway"
	"github.com/tandemhq/tandem/scripts/localstack"
	"github.com/tandemhq/tandem/scripts/localtest"
	"github.com/tandemhq/tandem/shared/app"
	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/awsclient"
	"github.com/tandemhq/tandem/shared/httpapp"
	"github.com/tandemhq/tandem/shared/notify/sesmail"
	"github.com/tandemhq/tandem/shared/store"
	"github.com/tandemhq/tandem/shared/table"
)

// OperatorToken is the operator token sample authorizer events use; it is
// only ever valid on the throwaway table this command creates.
const OperatorToken = "tdm_local_invoke_operator"

func main() {
	fn := flag.String("fn", "", "function name (functions/<name>)")
	eventPath := flag.String("event", "", "path of the event JSON")
	flag.Parse()
	if err := run(*fn, *eventPath); err != nil {
		fmt.Fprintln(os.Stderr, "invoke:", err)
		os.Exit(1)
	}
}

func run(fn, eventPath string) error {
	raw, err := os.ReadFile(eventPath)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cache, err := localstack.CacheDir()
	if err != nil {
		return err
	}
	ddb, err := localstack.StartDynamoDB(ctx, 0, filepath.Join(cache, "logs", "dynamodb-invoke.log"))
	if err != nil {
		return err
	}
	defer ddb.Stop()
	ses, err := localstack.StartSES(ctx, 0, filepath.Join(cache, "logs", "ses-invoke.log"))
	if err != nil {
		return err
	}
	defer ses.Stop()

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := httpapp.Build(ctx, app.Config{
		Table: table.DefaultName, BaseURL: "http://localhost:8080", Sender: "Tandem <no-reply@tandem.localhost>",
		SigningKey: []byte("local-invoke-signing-key-0123456789"), Log: log,
		AWS: awsclient.Options{DynamoDBEndpoint: ddb.Endpoint, SESEndpoint: ses.Endpoint},
	})
	if err != nil {
		return err
	}
	a.UseMail(sesmail.New(awsclient.Sending(a.AWS), ses.Endpoint, ""))
	if err := store.EnsureTable(ctx, a.DB, table.DefaultName); err != nil {
		return err
	}
	if err := a.Store.PutOperatorCredential(ctx, auth.Hash(OperatorToken), "invoke"); err != nil {
		return err
	}
	gw := gateway.New(a, gateway.StreamsClient(a.AWS, ddb.Endpoint), log)
	if err := gw.Start(ctx, false); err != nil {
		return err
	}
	out, err := gw.Invoke(ctx, fn, raw)
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	fmt.Printf("%s returned:\n%s\n", fn, b)
	if err := gw.Flush(ctx); err != nil {
		return err
	}
	mails, err := localtest.SESStore{Endpoint: ses.Endpoint}.All(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("\nmail sent: %d\n", len(mails))
	for _, m := range mails {
		fmt.Printf("  to %v: %s\n", m.Destination.To, m.Subject)
	}
	return nil
}
