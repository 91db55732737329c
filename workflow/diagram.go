package workflow

import (
	"fmt"
	"strings"

	"github.com/ticketkit/ticketkit/ticket"
)

// edge is one arrow of a diagram.
type edge struct {
	from, to, label string
	reopen          bool
}

// edges lists every arrow in a deterministic order: transitions in
// definition order, each from its source statuses in catalog order, then
// the reopen rule from each terminal status in catalog order.
func (m *Machine) edges() []edge {
	var out []edge
	statuses := m.catalog.Statuses()
	for _, t := range m.def.Transitions {
		label := fmt.Sprintf("%s (%s)", t.Name, joinRoles(t.Roles))
		for _, s := range statuses {
			if s.Code != t.To && leaves(t, s) {
				out = append(out, edge{from: s.Code, to: t.To, label: label})
			}
		}
	}
	if r := m.def.Reopen; r != nil {
		label := fmt.Sprintf("%s (%s)", ReopenName, joinRoles(r.Roles))
		for _, s := range statuses {
			if s.Terminal {
				out = append(out, edge{from: s.Code, to: r.To, label: label, reopen: true})
			}
		}
	}
	return out
}

// Mermaid renders the workflow as a Mermaid stateDiagram-v2: the initial
// status entered from [*], one state per catalog status with its label,
// one arrow per transition and source status labelled "name (roles)", the
// reopen rule, and terminal statuses leading to [*]. The output is
// deterministic, so it can be golden-tested and committed next to docs.
func (m *Machine) Mermaid() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	if m.def.Name != "" {
		fmt.Fprintf(&b, "    %%%% workflow %s\n", oneLine(m.def.Name))
	}
	fmt.Fprintf(&b, "    [*] --> %s\n", mermaidID(m.catalog.InitialStatus().Code))
	for _, s := range m.catalog.Statuses() {
		fmt.Fprintf(&b, "    %s : %s\n", mermaidID(s.Code), oneLine(statusLabel(s)))
	}
	for _, e := range m.edges() {
		fmt.Fprintf(&b, "    %s --> %s : %s\n", mermaidID(e.from), mermaidID(e.to), oneLine(e.label))
	}
	for _, s := range m.catalog.Statuses() {
		if s.Terminal {
			fmt.Fprintf(&b, "    %s --> [*]\n", mermaidID(s.Code))
		}
	}
	return b.String()
}

// Graphviz renders the workflow as a Graphviz digraph in DOT: a point
// entering the initial status, one box per catalog status with its label
// (terminal statuses doubled), one arrow per transition and source status
// labelled "name (roles)", and the reopen rule dashed. The output is
// deterministic.
func (m *Machine) Graphviz() string {
	name := m.def.Name
	if name == "" {
		name = "workflow"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", dotQuote(name))
	b.WriteString("\trankdir=LR;\n")
	b.WriteString("\tnode [shape=box, style=rounded];\n")
	b.WriteString("\t\"__start\" [shape=point, label=\"\"];\n")
	for _, s := range m.catalog.Statuses() {
		attrs := "label=" + dotQuote(statusLabel(s))
		if s.Terminal {
			attrs += ", peripheries=2"
		}
		fmt.Fprintf(&b, "\t%s [%s];\n", dotQuote(s.Code), attrs)
	}
	fmt.Fprintf(&b, "\t\"__start\" -> %s;\n", dotQuote(m.catalog.InitialStatus().Code))
	for _, e := range m.edges() {
		attrs := "label=" + dotQuote(e.label)
		if e.reopen {
			attrs += ", style=dashed"
		}
		fmt.Fprintf(&b, "\t%s -> %s [%s];\n", dotQuote(e.from), dotQuote(e.to), attrs)
	}
	b.WriteString("}\n")
	return b.String()
}

func statusLabel(s ticket.Status) string {
	if s.Label.Text != "" {
		return s.Label.Text
	}
	return s.Code
}

// mermaidID turns a status code into a Mermaid state ID: letters, digits
// and underscores only.
func mermaidID(code string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, code)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// dotQuote returns s as a DOT double-quoted string.
func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")
	return `"` + r.Replace(s) + `"`
}
