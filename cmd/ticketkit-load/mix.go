package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ticketkit/ticketkit/internal/seeddata"
)

// The use cases of the mix.
const (
	opOpen       = "open"
	opReply      = "reply"
	opSearch     = "search"
	opTransition = "transition"
)

// opNames lists the use cases in report order.
var opNames = []string{opOpen, opReply, opSearch, opTransition}

// mix is the share of each use case.
type mix []seeddata.Weighted[string]

// parseMix parses "open=20,reply=40,...": every use case at most once,
// shares not negative, some positive.
func parseMix(s string) (mix, error) {
	var m mix
	total := 0
	for part := range strings.SplitSeq(s, ",") {
		name, share, ok := strings.Cut(strings.TrimSpace(part), "=")
		w, err := strconv.Atoi(share)
		if !ok || err != nil || w < 0 || !slices.Contains(opNames, name) {
			return nil, fmt.Errorf("-mix: %q: want NAME=SHARE with NAME one of %s", part, strings.Join(opNames, ", "))
		}
		if slices.ContainsFunc(m, func(x seeddata.Weighted[string]) bool { return x.V == name }) {
			return nil, fmt.Errorf("-mix: %s given twice", name)
		}
		m = append(m, seeddata.Weighted[string]{V: name, W: w})
		total += w
	}
	if total == 0 {
		return nil, fmt.Errorf("-mix: no use case has a share")
	}
	return m, nil
}
