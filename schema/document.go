package schema

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// A query document is bounded before graphql-go sees it, in time linear in
// its length: graphql-go's parser recurses once per level of nesting, and
// its validation compares every pair of fields that share a response name,
// recursively and across fragments, with no bound (a fragment that spreads
// itself recurses until the stack overflows, which no recover can catch).
//
//  1. scanDocument reads the text once, counting tokens and the nesting of
//     braces, brackets and parentheses, before the parser runs.
//  2. checkShape walks the parsed document once: operations, aliases,
//     fragment cycles, and the fields the document stands for with its
//     fragments expanded, counted over the graph of fragments.
//  3. validate runs graphql-go's rules but one, "overlapping fields can be
//     merged", which mergeCheck replaces: it compares each field with the
//     first of those sharing its response name, not every pair, and stops
//     at a budget.

// scanDocument counts the tokens of document q and the depth of its
// nesting without parsing it, and reports ErrTooLarge or ErrTooDeep.
// Strings, block strings and comments are skipped whole; the count is
// the parser's, give or take the odd number (a name's dots, a stray byte),
// which is all a bound needs.
func scanDocument(q string, l Limits) error {
	tokens, depth := 0, 0
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',':
			i++
			continue
		case c == '#':
			for i < len(q) && q[i] != '\n' && q[i] != '\r' {
				i++
			}
			continue
		case strings.HasPrefix(q[i:], `"""`):
			i += 3
			for i < len(q) && !strings.HasPrefix(q[i:], `"""`) {
				if strings.HasPrefix(q[i:], `\"""`) {
					i += 3
				}
				i++
			}
			i += 3
		case c == '"':
			i++
			for i < len(q) && q[i] != '"' && q[i] != '\n' {
				if q[i] == '\\' {
					i++
				}
				i++
			}
			i++
		case c == '{' || c == '[' || c == '(':
			if depth++; depth > l.Nesting {
				return fmt.Errorf("%w: more than %d levels of braces, brackets or parentheses", ErrTooDeep, l.Nesting)
			}
			i++
		case c == '}' || c == ']' || c == ')':
			depth = max(depth-1, 0)
			i++
		case c == '.':
			for i < len(q) && q[i] == '.' {
				i++
			}
		case c == '_' || c == '-' || isAlnum(c):
			for i++; i < len(q) && (q[i] == '_' || q[i] == '.' || isAlnum(q[i]) ||
				(q[i] == '+' || q[i] == '-') && (q[i-1] == 'e' || q[i-1] == 'E')); i++ {
			}
		default:
			i++
		}
		if tokens++; tokens > l.Tokens {
			return fmt.Errorf("%w: more than %d tokens", ErrTooLarge, l.Tokens)
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// fragmentInfo is what checkShape learns of a fragment or an operation.
type fragmentInfo struct {
	own     int // fields and spreads written in it
	spreads []*ast.FragmentSpread
	size    int // fields and spreads with the spreads expanded, up to the limit and one
}

// checkShape bounds the parsed document doc: its operations, aliases,
// fragment cycles and the fields it stands for once its fragments are
// expanded. The error is ErrTooLarge, or a validation error naming the
// spreads of a cycle. Every definition is walked once, and every fragment
// measured once, so the check is linear in the document.
func checkShape(doc *ast.Document, l Limits) (cycle *Error, err error) {
	var ops []*fragmentInfo
	frags := map[string]*fragmentInfo{}
	var order []string
	aliases := 0
	var walk func(set *ast.SelectionSet, info *fragmentInfo)
	walk = func(set *ast.SelectionSet, info *fragmentInfo) {
		if set == nil {
			return
		}
		for _, sel := range set.Selections {
			switch sel := sel.(type) {
			case *ast.Field:
				info.own++
				if sel.Alias != nil {
					aliases++
				}
				walk(sel.SelectionSet, info)
			case *ast.InlineFragment:
				walk(sel.SelectionSet, info)
			case *ast.FragmentSpread:
				info.own++
				if sel.Name != nil {
					info.spreads = append(info.spreads, sel)
				}
			}
		}
	}
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
			info := &fragmentInfo{}
			walk(d.SelectionSet, info)
			ops = append(ops, info)
		case *ast.FragmentDefinition:
			name := ""
			if d.Name != nil {
				name = d.Name.Value
			}
			// Fragments of one name (invalid, validation says so) are
			// taken as one, spreading what any of them spreads.
			info := frags[name]
			if info == nil {
				info = &fragmentInfo{}
				frags[name] = info
				order = append(order, name)
			}
			walk(d.SelectionSet, info)
		}
	}
	switch {
	case len(ops) > l.Operations:
		return nil, fmt.Errorf("%w: more than %d operations", ErrTooLarge, l.Operations)
	case aliases > l.Aliases:
		return nil, fmt.Errorf("%w: more than %d aliases", ErrTooLarge, l.Aliases)
	}

	// Depth-first over the fragments, each measured once; a spread of a
	// fragment still being measured closes a cycle.
	limit := l.Fields + 1
	state := map[string]int{} // 1 measuring, 2 measured
	var path []*ast.FragmentSpread
	var names []string
	var measure func(name string) *Error
	measure = func(name string) *Error {
		info := frags[name]
		state[name] = 1
		names = append(names, name)
		info.size = info.own
		for _, sp := range info.spreads {
			target := sp.Name.Value
			t := frags[target]
			if t == nil {
				continue // an unknown fragment: validation says so
			}
			switch state[target] {
			case 1:
				return cycleError(target, names, append(path, sp))
			case 0:
				path = append(path, sp)
				if e := measure(target); e != nil {
					return e
				}
				path = path[:len(path)-1]
			}
			info.size = min(info.size+t.size, limit)
		}
		names = names[:len(names)-1]
		state[name] = 2
		return nil
	}
	total := 0
	for _, name := range order {
		if state[name] == 0 {
			if e := measure(name); e != nil {
				return e, nil
			}
		}
		total = min(total+frags[name].size, limit)
	}
	for _, op := range ops {
		total = min(total+op.own, limit)
		for _, sp := range op.spreads {
			if t := frags[sp.Name.Value]; t != nil {
				total = min(total+t.size, limit)
			}
		}
	}
	if total > l.Fields {
		return nil, fmt.Errorf("%w: more than %d fields with its fragments expanded", ErrTooLarge, l.Fields)
	}
	return nil, nil
}

// cycleError is the validation error of a fragment that spreads itself,
// worded as graphql-js words it, pointing at the spreads of the cycle.
func cycleError(name string, stack []string, spreads []*ast.FragmentSpread) *Error {
	start := 0
	for i, n := range stack {
		if n == name {
			start = i
		}
	}
	via := stack[start+1:]
	spreads = spreads[len(spreads)-len(stack[start:]):]
	msg := fmt.Sprintf("Cannot spread fragment %q within itself", name)
	if len(via) > 0 {
		quoted := make([]string, len(via))
		for i, n := range via {
			quoted[i] = strconv.Quote(n)
		}
		msg += " via " + strings.Join(quoted, ", ")
	}
	nodes := make([]ast.Node, len(spreads))
	for i, sp := range spreads {
		nodes[i] = sp
	}
	e := errorAt(codeValidation, msg+".", nodes...)
	return &e
}

// validationRules are graphql-go's rules without "overlapping fields can
// be merged", which mergeCheck does instead.
var validationRules = func() []graphql.ValidationRuleFn {
	var rules []graphql.ValidationRuleFn
	for _, r := range graphql.SpecifiedRules {
		if fmt.Sprintf("%p", r) != fmt.Sprintf("%p", graphql.OverlappingFieldsCanBeMergedRule) {
			rules = append(rules, r)
		}
	}
	return rules
}()

// mergeBudget bounds the work of mergeCheck: fields collected and
// compared. The playground's introspection query takes about 100.
const mergeBudget = 200_000

// fieldUse is a field where a selection set (its fragments expanded)
// uses it, on a value of type parent.
type fieldUse struct {
	parent graphql.Type
	field  *ast.Field
	def    *graphql.FieldDefinition
}

// merger checks the rule "overlapping fields can be merged" of the GraphQL
// specification (5.3.2): fields of one selection set, its fragments
// included, that share a response name must be the same field with the
// same arguments (unless their parents are distinct object types) and
// return values of the same shape, and so must their sub-fields, merged.
// Field with field, the relation is one of equality, so each field is
// compared with the first of its group rather than with every other.
type merger struct {
	schema    *graphql.Schema
	fragments map[string]*ast.FragmentDefinition
	budget    int
	errs      []Error
	reported  map[[2]*ast.Field]bool
}

// mergeCheck checks every selection set of doc, which checkShape passed.
// It returns the conflicts, or ErrTooLarge when the budget ran out.
func mergeCheck(schema *graphql.Schema, doc *ast.Document) ([]Error, error) {
	m := &merger{schema: schema, fragments: map[string]*ast.FragmentDefinition{}, budget: mergeBudget, reported: map[[2]*ast.Field]bool{}}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			if _, dup := m.fragments[f.Name.Value]; !dup {
				m.fragments[f.Name.Value] = f
			}
		}
	}
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.OperationDefinition:
			var root graphql.Type
			switch d.Operation {
			case ast.OperationTypeMutation:
				root = schema.MutationType()
			case ast.OperationTypeSubscription:
				root = schema.SubscriptionType()
			default:
				root = schema.QueryType()
			}
			m.sets(d.SelectionSet, root)
		case *ast.FragmentDefinition:
			if t := m.typeNamed(d.TypeCondition); t != nil {
				m.sets(d.SelectionSet, t)
			}
		}
		if m.budget < 0 {
			return nil, fmt.Errorf("%w: too many fields to compare", ErrTooLarge)
		}
	}
	return m.errs, nil
}

func (m *merger) typeNamed(n *ast.Named) graphql.Type {
	if n == nil || n.Name == nil {
		return nil
	}
	t := m.schema.Type(n.Name.Value)
	if t == nil {
		return nil
	}
	return t
}

// sets checks set, on a value of type parent, and every selection set
// inside it.
func (m *merger) sets(set *ast.SelectionSet, parent graphql.Type) {
	if set == nil || m.budget < 0 {
		return
	}
	m.check(m.collect(nil, parent, set, nil), false)
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *ast.Field:
			if def := fieldDefinition(parent, sel); def != nil {
				if t, ok := graphql.GetNamed(def.Type).(graphql.Type); ok {
					m.sets(sel.SelectionSet, t)
				}
			}
		case *ast.InlineFragment:
			t := parent
			if sel.TypeCondition != nil {
				t = m.typeNamed(sel.TypeCondition)
			}
			if t != nil {
				m.sets(sel.SelectionSet, t)
			}
		}
	}
}

// collect appends the fields set selects on a value of type parent, with
// inline fragments and fragment spreads expanded.
func (m *merger) collect(out []fieldUse, parent graphql.Type, set *ast.SelectionSet, spreading []string) []fieldUse {
	if set == nil {
		return out
	}
	for _, sel := range set.Selections {
		if m.budget--; m.budget < 0 {
			return out
		}
		switch sel := sel.(type) {
		case *ast.Field:
			out = append(out, fieldUse{parent: parent, field: sel, def: fieldDefinition(parent, sel)})
		case *ast.InlineFragment:
			t := parent
			if sel.TypeCondition != nil {
				if t = m.typeNamed(sel.TypeCondition); t == nil {
					t = parent
				}
			}
			out = m.collect(out, t, sel.SelectionSet, spreading)
		case *ast.FragmentSpread:
			if sel.Name == nil {
				continue
			}
			f := m.fragments[sel.Name.Value]
			if f == nil || containsString(spreading, sel.Name.Value) {
				continue
			}
			if t := m.typeNamed(f.TypeCondition); t != nil {
				out = m.collect(out, t, f.SelectionSet, append(spreading, sel.Name.Value))
			}
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// check checks fields that stand at one place of the response: those
// sharing a response name must merge. exclusive says their parents are
// already known to be distinct object types, so only shapes must agree.
func (m *merger) check(fields []fieldUse, exclusive bool) {
	if len(fields) < 2 {
		return
	}
	groups := map[string][]fieldUse{}
	var names []string
	for _, f := range fields {
		name := responseName(f.field)
		if _, ok := groups[name]; !ok {
			names = append(names, name)
		}
		groups[name] = append(groups[name], f)
	}
	for _, name := range names {
		if g := groups[name]; len(g) > 1 && m.budget >= 0 {
			m.group(name, g, exclusive)
		}
	}
}

// group checks fields sharing response name.
func (m *merger) group(name string, g []fieldUse, exclusive bool) {
	m.budget -= len(g)
	// Shapes: every type like the first's.
	var first *fieldUse
	for i := range g {
		if g[i].def == nil {
			continue // an unknown field: validation says so
		}
		if first == nil {
			first = &g[i]
			continue
		}
		if typesConflict(first.def.Type, g[i].def.Type) {
			m.report(name, fmt.Sprintf("they return conflicting types %v and %v", first.def.Type, g[i].def.Type), *first, g[i])
			return
		}
	}
	// Names and arguments, between fields whose parents may be the same
	// object: those of one object type, and any with an abstract parent.
	var abstract []fieldUse
	byObject := map[graphql.Type][]fieldUse{}
	var objects []graphql.Type
	for _, f := range g {
		if _, ok := f.parent.(*graphql.Object); ok {
			if _, seen := byObject[f.parent]; !seen {
				objects = append(objects, f.parent)
			}
			byObject[f.parent] = append(byObject[f.parent], f)
		} else {
			abstract = append(abstract, f)
		}
	}
	if !exclusive {
		var classes [][]fieldUse
		if len(abstract) > 0 {
			classes = [][]fieldUse{g}
		} else {
			for _, t := range objects {
				classes = append(classes, byObject[t])
			}
		}
		for _, c := range classes {
			for _, f := range c[1:] {
				switch {
				case fieldName(c[0].field) != fieldName(f.field):
					m.report(name, fmt.Sprintf("%s and %s are different fields", fieldName(c[0].field), fieldName(f.field)), c[0], f)
					return
				case !sameArguments(c[0].field.Arguments, f.field.Arguments):
					m.report(name, "they have differing arguments", c[0], f)
					return
				}
			}
		}
	}
	// Sub-fields, merged.
	children := func(fs []fieldUse) []fieldUse {
		var out []fieldUse
		for _, f := range fs {
			if f.def != nil && f.field.SelectionSet != nil {
				t, _ := graphql.GetNamed(f.def.Type).(graphql.Type)
				out = m.collect(out, t, f.field.SelectionSet, nil)
			}
		}
		return out
	}
	switch {
	case exclusive:
		m.check(children(g), true)
	case len(objects) <= 1:
		m.check(children(g), false)
	default:
		// Distinct object types: their fields need only agree in shape,
		// each with those it may meet.
		m.check(children(g), true)
		for _, t := range objects {
			m.check(children(append(slicesClip(abstract), byObject[t]...)), false)
		}
	}
}

func slicesClip(s []fieldUse) []fieldUse { return s[:len(s):len(s)] }

func (m *merger) report(name, reason string, a, b fieldUse) {
	key := [2]*ast.Field{a.field, b.field}
	if m.reported[key] {
		return
	}
	m.reported[key] = true
	m.errs = append(m.errs, errorAt(codeValidation,
		fmt.Sprintf("Fields %q conflict because %s. Use different aliases on the fields to fetch both if this was intentional.", name, reason),
		a.field, b.field))
}

func responseName(f *ast.Field) string {
	if f.Alias != nil {
		return f.Alias.Value
	}
	return fieldName(f)
}

func fieldName(f *ast.Field) string {
	if f.Name == nil {
		return ""
	}
	return f.Name.Value
}

// fieldDefinition finds the definition of f on parent, introspection
// fields included; nil when there is none.
func fieldDefinition(parent graphql.Type, f *ast.Field) *graphql.FieldDefinition {
	return fieldDef(parent, fieldName(f))
}

// fieldDef finds the definition of field name on parent, introspection
// fields included; nil when there is none.
func fieldDef(parent graphql.Type, name string) *graphql.FieldDefinition {
	switch name {
	case "__schema":
		return graphql.SchemaMetaFieldDef
	case "__type":
		return graphql.TypeMetaFieldDef
	case "__typename":
		return graphql.TypeNameMetaFieldDef
	}
	switch t := parent.(type) {
	case *graphql.Object:
		return t.Fields()[name]
	case *graphql.Interface:
		return t.Fields()[name]
	}
	return nil
}

// typesConflict reports whether two fields' types could not give values
// of one shape: lists and non-nulls must match, and so must leaf types;
// composite types are compared through their sub-fields.
func typesConflict(a, b graphql.Type) bool {
	switch x := a.(type) {
	case *graphql.List:
		y, ok := b.(*graphql.List)
		return !ok || typesConflict(x.OfType, y.OfType)
	case *graphql.NonNull:
		y, ok := b.(*graphql.NonNull)
		return !ok || typesConflict(x.OfType, y.OfType)
	}
	switch b.(type) {
	case *graphql.List, *graphql.NonNull:
		return true
	}
	if graphql.IsLeafType(a) || graphql.IsLeafType(b) {
		return a != b
	}
	return false
}

// sameArguments reports whether two fields' arguments are the same, by
// name, values compared as written.
func sameArguments(a, b []*ast.Argument) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		var found *ast.Argument
		for _, y := range b {
			if argName(x) == argName(y) {
				found = y
				break
			}
		}
		if found == nil || !sameValue(x.Value, found.Value) {
			return false
		}
	}
	return true
}

func argName(a *ast.Argument) string {
	if a.Name == nil {
		return ""
	}
	return a.Name.Value
}

// sameValue compares two values as written; their nesting is bounded by
// Limits.Nesting.
func sameValue(a, b ast.Value) bool {
	switch x := a.(type) {
	case *ast.Variable:
		y, ok := b.(*ast.Variable)
		return ok && x.Name != nil && y.Name != nil && x.Name.Value == y.Name.Value
	case *ast.IntValue:
		y, ok := b.(*ast.IntValue)
		return ok && x.Value == y.Value
	case *ast.FloatValue:
		y, ok := b.(*ast.FloatValue)
		return ok && x.Value == y.Value
	case *ast.StringValue:
		y, ok := b.(*ast.StringValue)
		return ok && x.Value == y.Value
	case *ast.BooleanValue:
		y, ok := b.(*ast.BooleanValue)
		return ok && x.Value == y.Value
	case *ast.EnumValue:
		y, ok := b.(*ast.EnumValue)
		return ok && x.Value == y.Value
	case *ast.ListValue:
		y, ok := b.(*ast.ListValue)
		if !ok || len(x.Values) != len(y.Values) {
			return false
		}
		for i := range x.Values {
			if !sameValue(x.Values[i], y.Values[i]) {
				return false
			}
		}
		return true
	case *ast.ObjectValue:
		y, ok := b.(*ast.ObjectValue)
		if !ok || len(x.Fields) != len(y.Fields) {
			return false
		}
		for i := range x.Fields {
			fx, fy := x.Fields[i], y.Fields[i]
			if fx.Name == nil || fy.Name == nil || fx.Name.Value != fy.Name.Value || !sameValue(fx.Value, fy.Value) {
				return false
			}
		}
		return true
	}
	return a == nil && b == nil
}
