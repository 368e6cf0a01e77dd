// Command backfill brings a table written by an older Tandem up to date
// (`make backfill TABLE=<name>`): the SLA report's record of every case
// opened before the report existed, and the operators' index (Ops) entry of
// every case and sign-up waiting since before that index existed. It uses
// your AWS credentials: the environment's, or a profile (AWS_PROFILE), in
// the stack's region. It may run while the system serves, and again: what
// exists is left alone.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/tandemhq/tandem/shared/awsclient"
	"github.com/tandemhq/tandem/shared/store"
)

func main() {
	tableName := flag.String("table", "", "the table's name (the stack's TableName output)")
	endpoint := flag.String("endpoint", "", "a DynamoDB endpoint other than AWS's (DynamoDB Local)")
	segments := flag.Int("segments", 4, "parallel scan segments")
	flag.Parse()
	if *tableName == "" {
		fmt.Fprintln(os.Stderr, "usage: backfill -table <TableName> [-segments 4] [-endpoint http://127.0.0.1:8000]")
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
	sum, err := store.New(awsclient.DynamoDB(cfg, *endpoint), *tableName, nil).Backfill(ctx, *segments)
	fmt.Printf("SLA records: %d cases read, %d records written, %d already there, %d cases outside any program\n",
		sum.Cases, sum.Written, sum.Present, sum.Outside)
	fmt.Printf("operators' index: %d waiting cases and sign-ups added (%s)\n", sum.Ops, time.Since(start).Round(time.Millisecond))
	if err != nil {
		fmt.Fprintln(os.Stderr, "backfill:", err)
		os.Exit(1)
	}
}
