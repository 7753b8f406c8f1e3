package schema

import (
	"context"
	"errors"
	"math"
	"strings"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/graphd/graphd/graph"
)

// filterArgs are the arguments that select quotations, shared by quotes,
// timeline, quoteAdded, /events and /export.
func filterArgs() graphql.FieldConfigArgument {
	return graphql.FieldConfigArgument{
		"speaker":   &graphql.ArgumentConfig{Type: graphql.String, Description: "A speaker's full name, alias or surname: \"Lavrov\" takes every speaker with that word in a name."},
		"speakerId": &graphql.ArgumentConfig{Type: graphql.ID},
		"venue":     &graphql.ArgumentConfig{Type: graphql.String, Description: "A venue's name or words of it."},
		"venueId":   &graphql.ArgumentConfig{Type: graphql.ID},
		"outlet":    &graphql.ArgumentConfig{Type: graphql.String, Description: "An outlet's name or words of it."},
		"outletId":  &graphql.ArgumentConfig{Type: graphql.ID},
		"kind":      &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(graphql.String)), Description: "Any of direct, partial, indirect."},
		"cueKind": &graphql.ArgumentConfig{Type: graphql.NewList(graphql.NewNonNull(graphql.String)), Description: "Any of speech (words said or written: \"said\", \"told\", \"according to\") " +
			"and stance (a belief, an intention or a position: \"supports\", \"plans to\", \"in his view\"); both when omitted."},
		"minConfidence": &graphql.ArgumentConfig{Type: graphql.Float, Description: "The least confidence, in [0, 1]."},
		"search": &graphql.ArgumentConfig{Type: graphql.String, Description: "Full-text search of the quotation: words in any form (talks, talked), " +
			"\"a phrase\", a prefix*, -excluded words; the last plain word also matches as a prefix."},
		"from": &graphql.ArgumentConfig{Type: graphql.String, Description: "Published on or after: an ISO 8601 date or RFC 3339 time."},
		"to":   &graphql.ArgumentConfig{Type: graphql.String, Description: "Published on or before; a date includes that whole day."},
	}
}

// withArgs adds more arguments to a set.
func withArgs(args graphql.FieldConfigArgument, more graphql.FieldConfigArgument) graphql.FieldConfigArgument {
	for k, v := range more {
		args[k] = v
	}
	return args
}

// maxSearchBytes bounds a search argument.
const maxSearchBytes = 1000

// quoteFilter reads the filter arguments into a store filter. none is
// true when a name matched nothing, so that nothing can match.
func (s *Schema) quoteFilter(ctx context.Context, args map[string]any) (f graph.QuoteFilter, none bool, err error) {
	ids := func(idArg, typ string, nameArg string, resolve func(context.Context, string) ([]uuid.UUID, error)) ([]uuid.UUID, error) {
		var out []uuid.UUID
		if raw, ok := args[idArg].(string); ok {
			id, err := decodeTypedID(idArg, typ, raw)
			if err != nil {
				return nil, err
			}
			out = []uuid.UUID{id}
		}
		if name, ok := args[nameArg].(string); ok {
			named, err := resolve(ctx, name)
			if err != nil {
				return nil, err
			}
			if out = intersect(out, named); len(out) == 0 {
				none = true
			}
		}
		return out, nil
	}
	if f.SpeakerIDs, err = ids("speakerId", typeSpeaker, "speaker", s.speakerIDs); err != nil {
		return f, false, err
	}
	if f.VenueIDs, err = ids("venueId", typeVenue, "venue", s.venueIDs); err != nil {
		return f, false, err
	}
	if f.OutletIDs, err = ids("outletId", typeOutlet, "outlet", s.outletIDs); err != nil {
		return f, false, err
	}
	if f.Kinds, f.MinConfidence, f.Search, err = facetArgs(args); err != nil {
		return f, false, err
	}
	if f.CueKinds, err = cueKindArgs(args); err != nil {
		return f, false, err
	}
	if raw, ok := args["from"].(string); ok {
		if f.From, err = parseTime("from", raw, false); err != nil {
			return f, false, err
		}
	}
	if raw, ok := args["to"].(string); ok {
		if f.To, err = parseTime("to", raw, true); err != nil {
			return f, false, err
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.From.After(f.To) {
		return f, false, inputErrorf("from: later than to")
	}
	return f, none, nil
}

// facetArgs reads kind, minConfidence and search.
func facetArgs(args map[string]any) (kinds []string, minConf float64, search string, err error) {
	if raw, ok := args["kind"].([]any); ok {
		for _, k := range raw {
			k, _ := k.(string)
			switch k = strings.ToLower(strings.TrimSpace(k)); k {
			case graph.KindDirect, graph.KindPartial, graph.KindIndirect:
				kinds = append(kinds, k)
			default:
				return nil, 0, "", inputErrorf("kind: %q is not direct, partial or indirect", k)
			}
		}
	}
	if c, ok := args["minConfidence"].(float64); ok {
		if math.IsNaN(c) || c < 0 || c > 1 {
			return nil, 0, "", inputErrorf("minConfidence: %v is not in [0, 1]", c)
		}
		minConf = c
	}
	if s, ok := args["search"].(string); ok {
		if len(s) > maxSearchBytes {
			return nil, 0, "", inputErrorf("search: longer than %d bytes", maxSearchBytes)
		}
		search = strings.TrimSpace(s)
	}
	return kinds, minConf, search, nil
}

// cueKindArgs reads cueKind.
func cueKindArgs(args map[string]any) ([]string, error) {
	raw, _ := args["cueKind"].([]any)
	var out []string
	for _, k := range raw {
		k, _ := k.(string)
		switch k = strings.ToLower(strings.TrimSpace(k)); k {
		case graph.CueSpeech, graph.CueStance:
			out = append(out, k)
		default:
			return nil, inputErrorf("cueKind: %q is not speech or stance", k)
		}
	}
	return out, nil
}

// outletIDs finds the outlets whose name holds every word of name.
func (s *Schema) outletIDs(ctx context.Context, name string) ([]uuid.UUID, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, inputErrorf("outlet: must not be empty")
	}
	var ids []uuid.UUID
	page := graph.Page{First: graph.MaxPageSize}
	for len(ids) < maxNameMatches {
		os, info, err := s.store.Outlets(ctx, page)
		if err != nil {
			return nil, err
		}
		for _, o := range os {
			if len(ids) < maxNameMatches && nameMatches(name, o.Name) {
				ids = append(ids, o.ID)
			}
		}
		if !info.HasNextPage || info.EndCursor == "" {
			break
		}
		page.After = info.EndCursor
	}
	return ids, nil
}

// Filter selects quotations for an export or a live feed. The fields are
// the arguments of quotes in GraphQL, as strings: names, ids, ISO dates.
type Filter struct {
	Speaker, SpeakerID string
	Venue, VenueID     string
	Outlet, OutletID   string
	Kinds              []string
	CueKinds           []string // speech, stance
	MinConfidence      float64
	Search             string
	From, To           string
}

// args turns a Filter into GraphQL arguments.
func (f Filter) args() map[string]any {
	args := map[string]any{}
	for k, v := range map[string]string{
		"speaker": f.Speaker, "speakerId": f.SpeakerID, "venue": f.Venue, "venueId": f.VenueID,
		"outlet": f.Outlet, "outletId": f.OutletID, "search": f.Search, "from": f.From, "to": f.To,
	} {
		if v != "" {
			args[k] = v
		}
	}
	if len(f.Kinds) > 0 {
		var ks []any
		for _, k := range f.Kinds {
			ks = append(ks, k)
		}
		args["kind"] = ks
	}
	if len(f.CueKinds) > 0 {
		var ks []any
		for _, k := range f.CueKinds {
			ks = append(ks, k)
		}
		args["cueKind"] = ks
	}
	if f.MinConfidence != 0 {
		args["minConfidence"] = f.MinConfidence
	}
	return args
}

// ErrNoMatch means a Filter names a speaker, venue or outlet that does
// not exist, so that nothing can match.
var ErrNoMatch = errors.New("no speaker, venue or outlet of that name")

// QuoteFilter resolves f to a store filter as the quotes query does: the
// error is a client error (a bad id, date or kind) or, when a name
// matches nothing, ErrNoMatch.
func (s *Schema) QuoteFilter(ctx context.Context, f Filter) (graph.QuoteFilter, error) {
	qf, none, err := s.quoteFilter(ctx, f.args())
	if err != nil {
		return qf, clientErr(ctx, s.logger, "filter", err)
	}
	if none {
		return qf, ErrNoMatch
	}
	return qf, nil
}
