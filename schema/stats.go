package schema

import (
	"time"

	"github.com/graphql-go/graphql"

	"github.com/graphd/graphd/graph"
)

// Dashboard queries: counts by speaker, venue, outlet or kind over a
// date range, and quotes over time. Both read counts the store keeps on
// write, so they answer in milliseconds on a large store.

// maxStatsFirst bounds quotesBy's first.
const maxStatsFirst = 100

// statsBucket is a group of quotes as Query.stats returns it.
type statsBucket struct {
	graph.Bucket
	dim graph.Dimension
}

// timeBucket is a point of a timeline.
type timeBucket = graph.TimeBucket

// statsFields declares Query.stats and Query.timeline.
func (s *Schema) statsFields(node *graphql.Interface) graphql.Fields {
	dimension := graphql.NewEnum(graphql.EnumConfig{
		Name:        "StatsField",
		Description: "What quotations are grouped by.",
		Values: graphql.EnumValueConfigMap{
			"SPEAKER": &graphql.EnumValueConfig{Value: graph.BySpeaker},
			"VENUE":   &graphql.EnumValueConfig{Value: graph.ByVenue},
			"OUTLET":  &graphql.EnumValueConfig{Value: graph.ByOutlet},
			"KIND":    &graphql.EnumValueConfig{Value: graph.ByKind, Description: "direct, partial or indirect"},
			"SPEAKER_TYPE": &graphql.EnumValueConfig{Value: graph.BySpeakerType,
				Description: "person, organization, group, place, document; quotations with no speaker are not counted"},
		},
	})
	interval := graphql.NewEnum(graphql.EnumConfig{
		Name:        "Interval",
		Description: "The width of a timeline's buckets, in UTC.",
		Values: graphql.EnumValueConfigMap{
			"DAY":   &graphql.EnumValueConfig{Value: graph.Day},
			"WEEK":  &graphql.EnumValueConfig{Value: graph.Week, Description: "ISO weeks, from Monday"},
			"MONTH": &graphql.EnumValueConfig{Value: graph.Month},
		},
	})
	bucket := graphql.NewObject(graphql.ObjectConfig{
		Name:        "StatsBucket",
		Description: "A group of quotations and how many there are.",
		Fields: graphql.Fields{
			"key": &graphql.Field{
				Type:        graphql.NewNonNull(graphql.String),
				Description: "The id of the speaker, venue or outlet (for node, speakerId, venueId, outletId), or the kind or speaker type.",
				Resolve: get(s, func(b statsBucket) any {
					switch b.dim {
					case graph.BySpeaker:
						return encodeID(typeSpeaker, b.ID)
					case graph.ByVenue:
						return encodeID(typeVenue, b.ID)
					case graph.ByOutlet:
						return encodeID(typeOutlet, b.ID)
					}
					return b.Label
				}),
			},
			"label": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The name, or the kind.", Resolve: get(s, func(b statsBucket) any { return b.Label })},
			"count": &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(s, func(b statsBucket) any { return b.Count })},
			"node": &graphql.Field{
				Type:        node,
				Description: "The speaker, venue or outlet; null for a kind.",
				Resolve: with(s, func(p graphql.ResolveParams, b statsBucket) (any, error) {
					switch b.dim {
					case graph.BySpeaker:
						return find(p.Context, typeSpeaker, b.ID, s.store.Speaker)
					case graph.ByVenue:
						return find(p.Context, typeVenue, b.ID, s.store.Venue)
					case graph.ByOutlet:
						return find(p.Context, typeOutlet, b.ID, s.store.Outlet)
					}
					return nil, nil
				}),
			},
		},
	})
	rangeArgs := func(more graphql.FieldConfigArgument) graphql.FieldConfigArgument {
		args := graphql.FieldConfigArgument{
			"from": filterArgs()["from"],
			"to":   filterArgs()["to"],
		}
		return withArgs(args, more)
	}
	stats := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Stats",
		Description: "Counts of quotations for dashboards, kept by the store as it writes.",
		Fields: graphql.Fields{
			"quotesBy": &graphql.Field{
				Type:        graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(bucket))),
				Description: "The speakers, venues, outlets or kinds with most quotations published in the range (whole days, UTC; all time, undated quotations included, without from and to), most first.",
				Args: rangeArgs(graphql.FieldConfigArgument{
					"field": &graphql.ArgumentConfig{Type: graphql.NewNonNull(dimension)},
					"first": &graphql.ArgumentConfig{Type: graphql.Int, DefaultValue: 10, Description: "How many, 1 to 100."},
				}),
				Resolve: s.resolver(func(p graphql.ResolveParams) (any, error) {
					dim, _ := p.Args["field"].(graph.Dimension)
					n, _ := p.Args["first"].(int)
					if n < 1 || n > maxStatsFirst {
						return nil, inputErrorf("first: must be between 1 and %d, not %d", maxStatsFirst, n)
					}
					from, to, err := rangeOf(p.Args)
					if err != nil {
						return nil, err
					}
					bs, err := s.store.QuotesBy(p.Context, dim, from, to, n)
					if err != nil {
						return nil, err
					}
					out := make([]statsBucket, len(bs))
					for i, b := range bs {
						out[i] = statsBucket{b, dim}
					}
					return out, nil
				}),
			},
			"total": &graphql.Field{
				Type:        graphql.NewNonNull(graphql.Int),
				Description: "How many quotations were published in the range (whole days, UTC; all, undated ones included, without from and to).",
				Args:        rangeArgs(nil),
				Resolve: s.resolver(func(p graphql.ResolveParams) (any, error) {
					from, to, err := rangeOf(p.Args)
					if err != nil {
						return nil, err
					}
					bs, err := s.store.QuotesBy(p.Context, graph.ByKind, from, to, graph.MaxBuckets)
					n := 0
					for _, b := range bs {
						n += b.Count
					}
					return n, err
				}),
			},
			"undated": &graphql.Field{
				Type:        graphql.NewNonNull(graphql.Int),
				Description: "How many statements have no date (their first article gives none): counted in all-time totals, in no date range or timeline.",
				Resolve: s.resolver(func(p graphql.ResolveParams) (any, error) {
					return s.store.Undated(p.Context)
				}),
			},
		},
	})
	point := graphql.NewObject(graphql.ObjectConfig{
		Name:        "TimeBucket",
		Description: "How many quotations were published in an interval.",
		Fields: graphql.Fields{
			"start": &graphql.Field{Type: graphql.NewNonNull(graphql.String), Description: "The first day of the interval, ISO 8601.", Resolve: get(s, func(b timeBucket) any { return b.Start.Format(dateLayout) })},
			"count": &graphql.Field{Type: graphql.NewNonNull(graphql.Int), Resolve: get(s, func(b timeBucket) any { return b.Count })},
		},
	})
	return graphql.Fields{
		"stats": &graphql.Field{
			Type:        graphql.NewNonNull(stats),
			Description: "Counts of quotations for dashboards.",
			Resolve:     s.resolver(func(graphql.ResolveParams) (any, error) { return struct{}{}, nil }),
		},
		"timeline": &graphql.Field{
			Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(point))),
			Description: "How many quotations the filters select, by day, week or month of their article's date (UTC), " +
				"every interval from from to to (whole days; the first and last dated quotation when omitted), empty ones included.",
			Args: withArgs(filterArgs(), graphql.FieldConfigArgument{
				"interval": &graphql.ArgumentConfig{Type: interval, DefaultValue: graph.Day},
			}),
			Resolve: s.resolver(func(p graphql.ResolveParams) (any, error) {
				iv, _ := p.Args["interval"].(graph.Interval)
				f, none, err := s.quoteFilter(p.Context, p.Args)
				if err != nil {
					return nil, err
				}
				if none {
					// The range, with nothing in it.
					f = graph.QuoteFilter{From: f.From, To: f.To}
				}
				bs, err := s.store.Timeline(p.Context, f, iv)
				if err != nil {
					return nil, err
				}
				if none {
					for i := range bs {
						bs[i].Count = 0
					}
				}
				if bs == nil {
					bs = []graph.TimeBucket{}
				}
				return bs, nil
			}),
		},
	}
}

// rangeOf reads from and to.
func rangeOf(args map[string]any) (from, to time.Time, err error) {
	if raw, ok := args["from"].(string); ok {
		if from, err = parseTime("from", raw, false); err != nil {
			return
		}
	}
	if raw, ok := args["to"].(string); ok {
		if to, err = parseTime("to", raw, true); err != nil {
			return
		}
	}
	if !from.IsZero() && !to.IsZero() && from.After(to) {
		err = inputErrorf("from: later than to")
	}
	return
}
