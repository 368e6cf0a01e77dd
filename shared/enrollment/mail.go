package enrollment

import (
	"time"

	"github.com/tandemhq/tandem/shared/auth"
	"github.com/tandemhq/tandem/shared/ident"
	"github.com/tandemhq/tandem/shared/notify"
	"github.com/tandemhq/tandem/shared/program"
)

// validationPrefix starts validation tokens; credentialPrefix the credential
// links mailed at go-live before going live made the partner's admin
// (/c/{token}, still honoured).
const (
	validationPrefix = "val_"
	credentialPrefix = "crd_"
)

// TestCase starts a process validation: a one-time token and the test case
// mail to the partner's inbound support address, whose link acknowledges it.
func TestCase(e Enrollment, prg program.Program, inboundEmail string, o notify.Origin, now time.Time) (Token, notify.Message) {
	plain, hash := auth.NewToken(validationPrefix)
	// The token remembers where the test case went: acknowledging it
	// proves that mailbox takes the department's mail.
	tok := Token{Hash: hash, Kind: ValidationToken, EnrollmentID: e.ID, MemberID: e.MemberID, Email: inboundEmail, ExpiresAt: now.Add(ValidationTTL)}
	msg := notify.Message{
		ID: ident.New(ident.Outbox, now), Channel: notify.Email,
		From: prg.From(o.From), To: []string{inboundEmail}, ReplyTo: []string{prg.PrimaryContact.Email},
		Ref: e.ID, CreatedAt: now,
		Data: notify.ValidationTest{
			ProgramName: prg.Name, HostName: prg.HostName, CompanyName: e.Company.Name,
			Link: o.BaseURL + "/v/" + plain, Expires: tok.ExpiresAt.Format("2 January 2006"),
		},
	}
	return tok, msg
}
