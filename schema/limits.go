package schema

import (
	"fmt"
	"strconv"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// listGuess is the number of items a list that is not a connection is
// taken to hold when estimating cost: a speaker's venues, a type's fields.
const listGuess = 10

// maxWrapping is the most list and non-null wrappers a type of the schema
// has ([Quote!]! is three): deeper ofType fields of introspection are
// null and cost nothing.
const maxWrapping = 3

// maxVisits bounds the walk itself: fragments spread into each other can
// make a short document stand for an enormous query.
const maxVisits = 100_000

// measure is the result of walking an operation.
type measure struct {
	depth int // deepest nesting of fields
	cost  int // estimated fields resolved
}

// walker estimates the depth and cost of an operation before it runs.
// graphql-go has neither limit. The document must have passed validation,
// which rules out unknown fields and fragment cycles.
type walker struct {
	schema    *graphql.Schema
	fragments map[string]*ast.FragmentDefinition
	vars      map[string]any
	limits    Limits
	m         measure
	visits    int
}

// checkLimits walks op and reports ErrTooDeep or ErrTooCostly, wrapped
// with the numbers, when the operation is over the limits.
func checkLimits(schema *graphql.Schema, doc *ast.Document, op *ast.OperationDefinition, vars map[string]any, l Limits) (measure, error) {
	w := &walker{schema: schema, fragments: map[string]*ast.FragmentDefinition{}, vars: vars, limits: l}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			w.fragments[f.Name.Value] = f
		}
	}
	var root *graphql.Object
	switch op.Operation {
	case ast.OperationTypeMutation:
		root = schema.MutationType()
	case ast.OperationTypeSubscription:
		root = schema.SubscriptionType()
	default:
		root = schema.QueryType()
	}
	if root == nil {
		return w.m, nil // validation reports it
	}
	if err := w.selections(op.SelectionSet, root, 0, 0, 1); err != nil {
		return w.m, err
	}
	return w.m, nil
}

// selections walks set on a value of type parent, nested depth fields
// deep (ofType fields apart, which are ofTypes deep), resolved mult times.
func (w *walker) selections(set *ast.SelectionSet, parent graphql.Type, depth, ofTypes, mult int) error {
	if set == nil {
		return nil
	}
	for _, sel := range set.Selections {
		if w.visits++; w.visits > maxVisits {
			return fmt.Errorf("%w: more than %d fields after expanding fragments", ErrTooCostly, maxVisits)
		}
		switch sel := sel.(type) {
		case *ast.Field:
			if err := w.field(sel, parent, depth, ofTypes, mult); err != nil {
				return err
			}
		case *ast.InlineFragment:
			t := parent
			if sel.TypeCondition != nil && sel.TypeCondition.Name != nil {
				if named := w.schema.Type(sel.TypeCondition.Name.Value); named != nil {
					t = named
				}
			}
			if err := w.selections(sel.SelectionSet, t, depth, ofTypes, mult); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if sel.Name == nil {
				continue
			}
			f := w.fragments[sel.Name.Value]
			if f == nil {
				continue
			}
			t := parent
			if f.TypeCondition != nil && f.TypeCondition.Name != nil {
				if named := w.schema.Type(f.TypeCondition.Name.Value); named != nil {
					t = named
				}
			}
			if err := w.selections(f.SelectionSet, t, depth, ofTypes, mult); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *walker) field(f *ast.Field, parent graphql.Type, depth, ofTypes, mult int) error {
	name := f.Name.Value
	def := w.fieldDef(parent, name)
	// ofType chains of introspection do not branch and end where the
	// schema's types do; GraphiQL asks for nine of them.
	if name == "ofType" {
		if ofTypes++; ofTypes > maxWrapping {
			return nil
		}
	} else {
		depth++
		ofTypes = 0
	}
	if depth > w.m.depth {
		w.m.depth = depth
		if depth > w.limits.Depth {
			return fmt.Errorf("%w: more than %d levels of fields", ErrTooDeep, w.limits.Depth)
		}
	}
	w.m.cost += max(mult, 1)
	if w.m.cost > w.limits.Cost {
		return fmt.Errorf("%w: estimated cost over the limit of %d; ask for smaller pages (first) or fewer nested lists", ErrTooCostly, w.limits.Cost)
	}
	if f.SelectionSet == nil || def == nil {
		return nil
	}
	t, _ := graphql.GetNamed(def.Type).(graphql.Type)
	return w.selections(f.SelectionSet, t, depth, ofTypes, mult*w.factor(f, def, parent))
}

// factor is how many values a field stands for: its page size for a
// connection, 1 for the edges of a connection (already counted), a guess
// for other lists, 1 for the rest.
func (w *walker) factor(f *ast.Field, def *graphql.FieldDefinition, parent graphql.Type) int {
	for _, a := range def.Args {
		if a.Name() == "first" {
			return w.first(f)
		}
	}
	if _, ok := graphql.GetNullable(def.Type).(*graphql.List); ok {
		if isConnection(parent) {
			return 1
		}
		return listGuess
	}
	return 1
}

// first is the page size a connection field asks for.
func (w *walker) first(f *ast.Field) int {
	for _, a := range f.Arguments {
		if a.Name == nil || a.Name.Value != "first" {
			continue
		}
		switch v := a.Value.(type) {
		case *ast.IntValue:
			if n, err := strconv.Atoi(v.Value); err == nil {
				return w.clampFirst(n)
			}
		case *ast.Variable:
			if v.Name != nil {
				switch n := w.vars[v.Name.Value].(type) {
				case float64:
					return w.clampFirst(int(n))
				case int:
					return w.clampFirst(n)
				}
			}
		}
	}
	return defaultFirst
}

// clampFirst keeps an out-of-range page size, which the resolver will
// reject, from skewing the estimate.
func (w *walker) clampFirst(n int) int {
	return min(max(n, 0), w.limits.First)
}

func isConnection(t graphql.Type) bool {
	o, ok := t.(*graphql.Object)
	if !ok {
		return false
	}
	_, hasEdges := o.Fields()["edges"]
	_, hasPageInfo := o.Fields()["pageInfo"]
	return hasEdges && hasPageInfo
}

// fieldDef finds the definition of field name on parent, introspection
// fields included; nil when there is none.
func (w *walker) fieldDef(parent graphql.Type, name string) *graphql.FieldDefinition {
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
