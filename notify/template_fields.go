package notify

import (
	"fmt"
	"reflect"
	"text/template/parse"
)

// templateDataType is the type templates are executed with.
var templateDataType = reflect.TypeFor[TemplateData]()

// checkFields reports the first field or method a template names on
// its data that [TemplateData] does not have, such as {{.Ticket.Nmber}}:
// such a template would fail at every render, so [Templates.Override]
// refuses it. Where dot is no longer the TemplateData (inside with and
// range) and past maps and interfaces, names are not checked.
func checkFields(tree *parse.Tree) error {
	if tree == nil || tree.Root == nil {
		return nil
	}
	return walkFields(tree.Root, templateDataType, templateDataType)
}

// CheckTemplateFields reports the first field or method tree names on
// its data that type data does not have, as [Templates.Override] checks
// its templates against [TemplateData]: other template data (such as
// ticketkit's macros) is checked the same way. Where dot is no longer
// data (inside with and range) and past maps and interfaces, names are
// not checked. A nil tree has nothing to check.
func CheckTemplateFields(tree *parse.Tree, data reflect.Type) error {
	if tree == nil || tree.Root == nil || data == nil {
		return nil
	}
	return walkFields(tree.Root, data, data)
}

// walkFields checks node with dot of type dot (nil: unknown) and $ of
// type root.
func walkFields(node parse.Node, dot, root reflect.Type) error {
	switch n := node.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := walkFields(c, dot, root); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		return walkFields(n.Pipe, dot, root)
	case *parse.PipeNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Cmds {
			if err := walkFields(c, dot, root); err != nil {
				return err
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			if err := walkFields(a, dot, root); err != nil {
				return err
			}
		}
	case *parse.IfNode:
		return walkBranch(&n.BranchNode, dot, dot, root)
	case *parse.WithNode:
		return walkBranch(&n.BranchNode, dot, nil, root)
	case *parse.RangeNode:
		return walkBranch(&n.BranchNode, dot, nil, root)
	case *parse.TemplateNode:
		return walkFields(n.Pipe, dot, root)
	case *parse.FieldNode:
		return resolveFields(dot, n.Ident)
	case *parse.VariableNode:
		if len(n.Ident) > 1 && n.Ident[0] == "$" {
			return resolveFields(root, n.Ident[1:])
		}
	case *parse.ChainNode:
		if err := walkFields(n.Node, dot, root); err != nil {
			return err
		}
	}
	return nil
}

// walkBranch checks an if, with or range: its pipeline and else branch
// with dot, its body with body.
func walkBranch(n *parse.BranchNode, dot, body, root reflect.Type) error {
	if err := walkFields(n.Pipe, dot, root); err != nil {
		return err
	}
	if err := walkFields(n.List, body, root); err != nil {
		return err
	}
	return walkFields(n.ElseList, dot, root)
}

// resolveFields follows a chain of field and method names from type t
// (nil: unknown, nothing checked).
func resolveFields(t reflect.Type, names []string) error {
	for _, name := range names {
		if t == nil {
			return nil
		}
		if m, ok := t.MethodByName(name); ok {
			t = returnType(m.Type)
			continue
		}
		if t.Kind() != reflect.Pointer {
			if m, ok := reflect.PointerTo(t).MethodByName(name); ok {
				t = returnType(m.Type)
				continue
			}
		}
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Map, reflect.Interface:
			return nil
		case reflect.Struct:
			f, ok := t.FieldByName(name)
			if !ok || !f.IsExported() {
				return fmt.Errorf("unknown field %q on %s", name, t)
			}
			t = f.Type
		default:
			return fmt.Errorf("unknown field %q: %s has no fields", name, t)
		}
	}
	return nil
}

// returnType is the first result of a method type, or nil.
func returnType(m reflect.Type) reflect.Type {
	if m.NumOut() == 0 {
		return nil
	}
	return m.Out(0)
}
