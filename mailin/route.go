package mailin

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
)

// Route is where mail to one mailbox goes.
type Route struct {
	// TenantID is the tenant whose desk receives the mail. Required.
	TenantID string
	// Department is the department new tickets start in; empty for the
	// catalog's default.
	Department string
}

// Routes maps mailbox addresses, such as "support@acme.example", to
// routes. Keys compare ignoring case. A key without a plus tag also
// matches its tagged forms: "support@acme.example" matches
// "support+billing@acme.example" unless that has a key of its own.
type Routes map[string]Route

// RouteMatch is the result of [Routes.Match].
type RouteMatch struct {
	Route
	// Address is the recipient that matched, lower-cased.
	Address string
}

// Validate reports every key that is not a bare address and every route
// without a tenant, and keys that differ only in case.
func (r Routes) Validate() error {
	var problems []string
	seen := map[string]string{}
	keys := make([]string, 0, len(r))
	for k := range r {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if a, err := mail.ParseAddress(k); err != nil || a.Address != k {
			problems = append(problems, fmt.Sprintf("%q is not a bare email address", k))
		}
		if strings.TrimSpace(r[k].TenantID) == "" {
			problems = append(problems, fmt.Sprintf("%q has no TenantID", k))
		}
		if other, dup := seen[lowerASCII(k)]; dup {
			problems = append(problems, fmt.Sprintf("%q and %q differ only in case", other, k))
		}
		seen[lowerASCII(k)] = k
	}
	if len(problems) > 0 {
		return errors.New("mailin: invalid routes: " + strings.Join(problems, "; "))
	}
	return nil
}

// Match returns the route of the first of in.Recipients (To, Cc,
// Delivered-To, X-Original-To) that is a key of r, trying each address
// as written and then without its plus tag.
func (r Routes) Match(in Inbound) (RouteMatch, bool) {
	if len(r) == 0 {
		return RouteMatch{}, false
	}
	lower := make(map[string]Route, len(r))
	for k, v := range r {
		lower[lowerASCII(strings.TrimSpace(k))] = v
	}
	for _, addr := range in.Recipients() {
		if route, ok := lower[addr]; ok {
			return RouteMatch{Route: route, Address: addr}, true
		}
		if untagged := stripTag(addr); untagged != addr {
			if route, ok := lower[untagged]; ok {
				return RouteMatch{Route: route, Address: addr}, true
			}
		}
	}
	return RouteMatch{}, false
}

// stripTag removes a "+tag" from the local part of addr.
func stripTag(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return addr
	}
	if plus := strings.IndexByte(addr[:at], '+'); plus > 0 {
		return addr[:plus] + addr[at:]
	}
	return addr
}
