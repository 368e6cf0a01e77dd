// Command rotatekey replaces the installation's signing key
// (`make rotate-key SECRET=<SigningSecretArn output>`), using your AWS
// credentials: the environment's, or a profile (AWS_PROFILE).
//
// It writes a new current key into the secret and keeps the keys before
// it as previous ones, so every link already mailed keeps working. No
// deploy is needed: a running function that meets a signature by the new
// key reads the secret again (see package keyring), and every function
// signs with the new key within an hour. Links live at most 30 days:
// rotate again no sooner than that, or links signed by the dropped key
// stop working (-keep says how many previous keys stay).
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"os"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/tandemhq/tandem/shared/keyring"
)

func main() {
	secret := flag.String("secret", "", "the signing keys' secret (the stack's SigningSecretArn output)")
	keep := flag.Int("keep", 2, "previous keys kept to verify links mailed before")
	flag.Parse()
	if *secret == "" || *keep < 1 {
		fmt.Fprintln(os.Stderr, "usage: rotatekey -secret <SigningSecretArn> [-keep 2]")
		os.Exit(2)
	}
	if err := run(context.Background(), *secret, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "rotatekey:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, arn string, keep int) error {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	sm := secretsmanager.NewFromConfig(cfg)
	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
	if err != nil {
		return err
	}
	cur, err := keyring.Parse(aws.ToString(out.SecretString))
	if err != nil {
		return err
	}
	next, err := rotated(cur, keep)
	if err != nil {
		return err
	}
	body, err := json.Marshal(next)
	if err != nil {
		return err
	}
	if _, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(arn), SecretString: aws.String(string(body))}); err != nil {
		return err
	}
	fmt.Printf("signing key %s is current; %d previous keys still verify. Running functions take it up within an hour, without a deploy.\n", next.ID, len(next.Previous))
	return nil
}

// rotated is cur with a new random current key, cur's current key first
// among the previous ones and at most keep of them.
func rotated(cur keyring.Set, keep int) (keyring.Set, error) {
	id := 1
	for _, k := range append([]keyring.Key{cur.Key}, cur.Previous...) {
		if n, err := strconv.Atoi(k.ID); err == nil && n >= id {
			id = n + 1
		}
	}
	secret, err := randomKey(48)
	if err != nil {
		return keyring.Set{}, err
	}
	next := keyring.Set{Key: keyring.Key{ID: strconv.Itoa(id), Secret: secret}, Previous: append([]keyring.Key{cur.Key}, cur.Previous...)}
	if len(next.Previous) > keep {
		next.Previous = next.Previous[:keep]
	}
	return next, next.Check()
}

func randomKey(n int) (string, error) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		x, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", err
		}
		b[i] = alphabet[x.Int64()]
	}
	return string(b), nil
}
