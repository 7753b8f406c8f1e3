package schema

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/graphql-go/graphql/language/ast"
)

// graphql-go returns objects as Go maps, which encoding/json writes in
// sorted key order. GraphQL wants fields in the order the query asked for
// them, so that "text" comes before "speaker" when the query says so;
// orderedJSON writes the data that way.

// orderedJSON encodes data, the result of operation op, with the fields
// of every object in the order op selects them.
func orderedJSON(data any, op *ast.OperationDefinition, doc *ast.Document) (json.RawMessage, error) {
	o := &orderer{fragments: map[string]*ast.FragmentDefinition{}}
	o.enc = json.NewEncoder(&o.scratch)
	o.enc.SetEscapeHTML(false)
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			o.fragments[f.Name.Value] = f
		}
	}
	var buf bytes.Buffer
	if err := o.encode(&buf, data, []*ast.SelectionSet{op.SelectionSet}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type orderer struct {
	fragments map[string]*ast.FragmentDefinition
	scratch   bytes.Buffer
	enc       *json.Encoder // writes to scratch
}

// selected is one response key with the selection sets of the fields
// that make it.
type selected struct {
	key  string
	sets []*ast.SelectionSet
}

// collect lists the response keys of sets in query order, fragments
// spread in place. A key asked for twice keeps its first place and
// merges the sub-selections, as execution does.
func (o *orderer) collect(sets []*ast.SelectionSet) []selected {
	var out []selected
	index := map[string]int{}
	seenFragments := map[string]bool{}
	var walk func(set *ast.SelectionSet)
	walk = func(set *ast.SelectionSet) {
		if set == nil {
			return
		}
		for _, sel := range set.Selections {
			switch sel := sel.(type) {
			case *ast.Field:
				key := sel.Name.Value
				if sel.Alias != nil && sel.Alias.Value != "" {
					key = sel.Alias.Value
				}
				i, ok := index[key]
				if !ok {
					i = len(out)
					index[key] = i
					out = append(out, selected{key: key})
				}
				if sel.SelectionSet != nil {
					out[i].sets = append(out[i].sets, sel.SelectionSet)
				}
			case *ast.InlineFragment:
				walk(sel.SelectionSet)
			case *ast.FragmentSpread:
				if sel.Name == nil || seenFragments[sel.Name.Value] {
					continue
				}
				seenFragments[sel.Name.Value] = true
				if f := o.fragments[sel.Name.Value]; f != nil {
					walk(f.SelectionSet)
				}
			}
		}
	}
	for _, s := range sets {
		walk(s)
	}
	return out
}

// encode writes v, selected by sets, to buf.
func (o *orderer) encode(buf *bytes.Buffer, v any, sets []*ast.SelectionSet) error {
	switch v := v.(type) {
	case map[string]any:
		buf.WriteByte('{')
		n := 0
		put := func(k string, val any, sub []*ast.SelectionSet) error {
			if n > 0 {
				buf.WriteByte(',')
			}
			n++
			if err := o.scalar(buf, k); err != nil {
				return err
			}
			buf.WriteByte(':')
			return o.encode(buf, val, sub)
		}
		done := map[string]bool{}
		for _, s := range o.collect(sets) {
			val, ok := v[s.key]
			if !ok {
				continue // a field of another type's fragment, or skipped
			}
			done[s.key] = true
			if err := put(s.key, val, s.sets); err != nil {
				return err
			}
		}
		// Keys the query does not explain, if any, follow in sorted order.
		var rest []string
		for k := range v {
			if !done[k] {
				rest = append(rest, k)
			}
		}
		sort.Strings(rest)
		for _, k := range rest {
			if err := put(k, v[k], nil); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case []any:
		buf.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := o.encode(buf, e, sets); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	}
	return o.scalar(buf, v)
}

// scalar writes a value that is not an object or a list.
func (o *orderer) scalar(buf *bytes.Buffer, v any) error {
	o.scratch.Reset()
	if err := o.enc.Encode(v); err != nil {
		return err
	}
	buf.Write(bytes.TrimSuffix(o.scratch.Bytes(), []byte("\n")))
	return nil
}
