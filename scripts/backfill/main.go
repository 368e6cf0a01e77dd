// Command backfill brings a table written by an older Tandem up to date,
// using your AWS credentials: the environment's, or a profile
// (AWS_PROFILE), in the stack's region. It may run while the system
// serves, and again: what exists is left alone.
//
//	backfill -table T        the SLA report's record of every case opened before the report existed, and the
//	                         operators' index (Ops) entry of every case and sign-up waiting since before that index,
//	                         the reference (TDM-…) of every case opened before references, and the queue and
//	                         search entries of every case opened before the queue, or whose entries carry no row
//	                         (the list's columns, written since) or not the case's row as it is now (run it once
//	                         the deploy that brought rows is complete: the code before it moves entries without
//	                         rewriting their rows), then every member's queue counters
//	backfill -table T -confirmations -signing-secret ARN -base-url URL -sender ADDRESS
//	                         addresses confirmed before Tandem mails them: the inbound address of every department
//	                         whose test case was acknowledged is confirmed, and every other department and capture
//	                         address is mailed its link, once
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/tandemhq/tandem/shared/awsclient"
	"github.com/tandemhq/tandem/shared/confirmation"
	"github.com/tandemhq/tandem/shared/keyring"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/store"
)

func main() {
	tableName := flag.String("table", "", "the table's name (the stack's TableName output)")
	endpoint := flag.String("endpoint", "", "a DynamoDB endpoint other than AWS's (DynamoDB Local)")
	segments := flag.Int("segments", 4, "parallel scan segments")
	confirmations := flag.Bool("confirmations", false, "confirm acknowledged inbound addresses and mail every other address its confirmation link")
	secret := flag.String("signing-secret", "", "with -confirmations: the signing keys' secret (the stack's SigningSecretArn output)")
	signingKey := flag.String("signing-key", "", "with -confirmations against DynamoDB Local: make run's TANDEM_SIGNING_KEY")
	baseURL := flag.String("base-url", "", "with -confirmations: where people reach Tandem (the stack's baseUrl or ApiUrl)")
	sender := flag.String("sender", "", "with -confirmations: the platform's From address (the stack's sender)")
	flag.Parse()
	if *tableName == "" || (*confirmations && (*baseURL == "" || *sender == "" || (*secret == "") == (*signingKey == ""))) {
		fmt.Fprintln(os.Stderr, "usage: backfill -table <TableName> [-segments 4] [-endpoint http://127.0.0.1:8000]\n"+
			"       backfill -table <TableName> -confirmations -base-url <url> -sender <address> (-signing-secret <arn> | -signing-key <key>)")
		os.Exit(2)
	}
	ctx := context.Background()
	def, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "backfill:", err)
		os.Exit(1)
	}
	opts := awsclient.Options{Region: def.Region, Credentials: def.Credentials}
	if *endpoint != "" { // DynamoDB Local: the stand-in's own credentials
		opts = awsclient.Options{DynamoDBEndpoint: *endpoint}
	}
	cfg, err := awsclient.Load(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "backfill:", err)
		os.Exit(1)
	}
	start := time.Now()
	if *confirmations {
		var keys *keyring.Ring
		if *secret != "" {
			keys, err = keyring.Load(ctx, awsclient.SigningKeys(cfg, *secret, ""), nil)
		} else {
			keys = keyring.Fixed("local", []byte(*signingKey))
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "backfill:", err)
			os.Exit(1)
		}
		links, origin := confirmation.Links{Keys: keys}, notify.Origin{From: *sender, BaseURL: strings.TrimRight(*baseURL, "/")}
		now := time.Now().UTC()
		sum, err := store.New(awsclient.DynamoDB(cfg, *endpoint), *tableName, keys).BackfillConfirmations(ctx, now,
			func(kind confirmation.Owner, id, memberName string, r confirmation.Request) notify.Message {
				return links.Mail(origin, kind, id, memberName, r, now)
			})
		fmt.Printf("Confirmations: %d departments read, %d inbound addresses confirmed by their acknowledged test case, %d links mailed, %d mailed by an earlier run; %d members with capture addresses (%s)\n",
			sum.Departments, sum.Confirmed, sum.Asked, sum.AskedBefore, sum.Members, time.Since(start).Round(time.Millisecond))
		if err != nil {
			fmt.Fprintln(os.Stderr, "backfill:", err)
			os.Exit(1)
		}
		return
	}
	sum, err := store.New(awsclient.DynamoDB(cfg, *endpoint), *tableName, nil).Backfill(ctx, *segments)
	fmt.Printf("SLA records: %d cases read, %d records written, %d already there, %d cases outside any program\n",
		sum.Cases, sum.Written, sum.Present, sum.Outside)
	fmt.Printf("operators' index: %d waiting cases, sign-ups, enrollments awaiting payment and open invoices added\n", sum.Ops)
	fmt.Printf("case references: %d cases opened before references given one\n", sum.Refs)
	fmt.Printf("queue: %d cases given their queue and search entries, with their rows; %d members' queue counters counted (%s)\n",
		sum.Queued, sum.Counted, time.Since(start).Round(time.Millisecond))
	if err != nil {
		fmt.Fprintln(os.Stderr, "backfill:", err)
		os.Exit(1)
	}
}
