package schema

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// Limits bound the work a single request, and all live connections
// together, may cause. A zero field takes the value of DefaultLimits.
//
// A query document is bounded in steps, each before the next can cost
// more than the document's length: its size (Body) and, in one pass over
// the text, its tokens (Tokens) and nesting (Nesting); once parsed, its
// operations (Operations), aliases (Aliases), fragment cycles and the
// fields it stands for with its fragments expanded (Fields); only then is
// it validated, and its depth (Depth) and estimated cost (Cost) measured.
// Validation and execution share one deadline (Timeout).
type Limits struct {
	// Body is the largest request body read, in bytes, and the largest
	// query document, however it comes (GET, WebSocket, /events).
	Body int64
	// Tokens is the most lexical tokens (names, numbers, strings,
	// punctuation) a query document may have.
	Tokens int
	// Nesting is the deepest nesting of braces, brackets and parentheses
	// in a query document: selections, list and object values, arguments.
	Nesting int
	// Operations is the most operations one document may define.
	Operations int
	// Aliases is the most aliased fields one document may have.
	Aliases int
	// Fields is the most fields (and fragment spreads) a document may
	// stand for once its fragments are expanded where they are spread.
	Fields int
	// Depth is the deepest nesting of fields a query may have. The ofType
	// chains of introspection do not count.
	Depth int
	// Cost is the most a query's estimated cost may be: each field costs
	// the product of the page sizes (first, or its default) of the lists
	// around it. Lists that are not connections count as 10 items.
	Cost int
	// Timeout ends a request's validation and execution.
	Timeout time.Duration
	// First is the largest page a connection serves (its first or last
	// argument), at most MaxPageSize.
	First int

	// PersistedQueryCache is how many bytes of query documents the
	// automatic persisted queries keep; the least recently used go first.
	PersistedQueryCache int64

	// Subscriptions is the most live subscriptions, over WebSocket and
	// /events together.
	Subscriptions int
	// SubscriptionsPerConnection is the most operations one WebSocket
	// connection may run at once.
	SubscriptionsPerConnection int
	// WebSockets is the most WebSocket connections open at once.
	WebSockets int
	// SubscriberBuffer is how many events a subscription holds for a
	// subscriber that reads slower than they come; past it the subscriber
	// loses events and is told how many.
	SubscriberBuffer int

	// Ingests is the most POST /ingest streams open at once.
	Ingests int
	// IngestIdle is the longest POST /ingest waits for the client's next
	// line, or for the client to take the results sent; the stream then
	// ends.
	IngestIdle time.Duration
}

// DefaultLimits returns the limits New uses: a 1 MiB body, 5,000 tokens,
// nesting 40, 50 operations, 100 aliases, 2,000 fields, depth 12, cost
// 50,000, 15 seconds and pages of at most 100; 8 MiB of persisted
// queries; 1,000 subscriptions, 20 a connection, 500 WebSocket
// connections and 256 events held for a subscriber; 8 ingest streams,
// each waiting 60 seconds at most for its client.
func DefaultLimits() Limits {
	return Limits{
		Body: 1 << 20, Tokens: 5_000, Nesting: 40, Operations: 50, Aliases: 100, Fields: 2_000,
		Depth: 12, Cost: 50_000, Timeout: 15 * time.Second, First: maxFirst,
		PersistedQueryCache: 8 << 20,
		Subscriptions:       1_000, SubscriptionsPerConnection: 20, WebSockets: 500, SubscriberBuffer: 256,
		Ingests: 8, IngestIdle: 60 * time.Second,
	}
}

// WithLimits sets the limits; zero fields keep their defaults, and First
// is cut to MaxPageSize.
func WithLimits(l Limits) Option {
	return func(s *Schema) {
		d := DefaultLimits()
		def := func(v *int, dv int) {
			if *v <= 0 {
				*v = dv
			}
		}
		def(&l.Tokens, d.Tokens)
		def(&l.Nesting, d.Nesting)
		def(&l.Operations, d.Operations)
		def(&l.Aliases, d.Aliases)
		def(&l.Fields, d.Fields)
		def(&l.Depth, d.Depth)
		def(&l.Cost, d.Cost)
		def(&l.First, d.First)
		l.First = min(l.First, MaxPageSize)
		def(&l.Subscriptions, d.Subscriptions)
		def(&l.SubscriptionsPerConnection, d.SubscriptionsPerConnection)
		def(&l.WebSockets, d.WebSockets)
		def(&l.SubscriberBuffer, d.SubscriberBuffer)
		def(&l.Ingests, d.Ingests)
		if l.IngestIdle <= 0 {
			l.IngestIdle = d.IngestIdle
		}
		if l.Body <= 0 {
			l.Body = d.Body
		}
		if l.PersistedQueryCache <= 0 {
			l.PersistedQueryCache = d.PersistedQueryCache
		}
		if l.Timeout <= 0 {
			l.Timeout = d.Timeout
		}
		s.limits = l
	}
}

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
	ctx       context.Context
	m         measure
	visits    int
}

// checkLimits walks op and reports ErrTooDeep or ErrTooCostly, wrapped
// with the numbers, when the operation is over the limits, or the error
// of ctx when it ends first.
func checkLimits(ctx context.Context, schema *graphql.Schema, doc *ast.Document, op *ast.OperationDefinition, vars map[string]any, l Limits) (measure, error) {
	w := &walker{schema: schema, fragments: map[string]*ast.FragmentDefinition{}, vars: vars, limits: l, ctx: ctx}
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
		if w.visits%1024 == 0 {
			if err := w.ctx.Err(); err != nil {
				return err
			}
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
	def := fieldDef(parent, name)
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
			return w.pageSize(f)
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

// pageSize is the page size a connection field asks for: first, or
// last when it pages backward.
func (w *walker) pageSize(f *ast.Field) int {
	for _, a := range f.Arguments {
		if a.Name == nil || a.Name.Value != "first" && a.Name.Value != "last" {
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
	return min(defaultFirst, w.pageLimit())
}

// clampFirst keeps an out-of-range page size, which the resolver will
// reject, from skewing the estimate.
func (w *walker) clampFirst(n int) int {
	return min(max(n, 0), w.pageLimit())
}

// pageLimit is the largest page, Limits.First.
func (w *walker) pageLimit() int {
	if w.limits.First <= 0 {
		return maxFirst
	}
	return w.limits.First
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
