package router

import (
	"fmt"
	"strings"

	"github.com/tandemhq/tandem/shared/auth"
)

// PrincipalContext is what the authorizer hands API Gateway: flat string
// values (API Gateway passes them through to the integration).
func PrincipalContext(p auth.Principal) map[string]any {
	return map[string]any{
		"memberId": p.MemberID,
		"userId":   p.UserID,
		"roles":    strings.Join(p.Roles, ","),
		"operator": fmt.Sprint(p.Operator),
	}
}

// PrincipalFromContext is the inverse of PrincipalContext. It reports false
// when the authorizer refused the token (authError) or left no principal.
func PrincipalFromContext(m map[string]any) (auth.Principal, bool) {
	if e, _ := m["authError"].(string); e != "" {
		return auth.Principal{}, false
	}
	str := func(k string) string {
		switch v := m[k].(type) {
		case string:
			return v
		case bool:
			return fmt.Sprint(v)
		case nil:
			return ""
		default:
			return fmt.Sprint(v)
		}
	}
	p := auth.Principal{MemberID: str("memberId"), UserID: str("userId"), Operator: str("operator") == "true"}
	if roles := str("roles"); roles != "" {
		p.Roles = strings.Split(roles, ",")
	}
	return p, p.Operator || p.UserID != ""
}
