// Command operator creates a platform operator token in a deployed table
// (`make operator TABLE=<name>`), using your AWS credentials: the
// environment's, or a profile (AWS_PROFILE). It prints the token once; only
// its hash is stored.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/awsclient"
	"github.com/tandemhq/tandem/shared/store"
)

func main() {
	tableName := flag.String("table", "", "the table's name (the stack's TableName output)")
	name := flag.String("name", "operator", "who the token is for, for audit trails")
	flag.Parse()
	if *tableName == "" {
		fmt.Fprintln(os.Stderr, "usage: operator -table <TableName> [-name who]")
		os.Exit(2)
	}
	ctx := context.Background()
	def, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "operator:", err)
		os.Exit(1)
	}
	cfg, err := awsclient.Load(ctx, awsclient.Options{Region: def.Region, Credentials: def.Credentials})
	if err != nil {
		fmt.Fprintln(os.Stderr, "operator:", err)
		os.Exit(1)
	}
	s := store.New(awsclient.DynamoDB(cfg, ""), *tableName, nil)
	plain, hash := auth.NewToken(auth.TokenPrefix)
	if err := s.PutOperatorCredential(ctx, hash, *name); err != nil {
		fmt.Fprintln(os.Stderr, "operator:", err)
		os.Exit(1)
	}
	fmt.Printf("Operator token for %s (shown once; store it in your password manager):\n%s\n", *name, plain)
}
