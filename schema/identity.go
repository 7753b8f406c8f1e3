package schema

import (
	"context"
	"errors"
	"maps"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/graphd/graphd/graph"
)

// This file declares the part of the schema about identity and
// provenance: a speaker's roles and merges, a quote's occurrences and
// conflicts, copies of articles, the review queue and the mutations that
// decide on it. build adds these fields to the types it declares.

// identity holds the fields identity adds to the core types, and the
// root fields it adds to Query and Mutation.
type identity struct {
	speaker, quote, article graphql.Fields
	query, mutation         graphql.Fields
	occurrence              *graphql.Object // a printing, for the live feed
}

// extend returns fields with more added.
func extend(fields, more graphql.Fields) graphql.Fields {
	maps.Copy(fields, more)
	return fields
}

// identityFields declares the identity types over the core ones.
func (s *Schema) identityFields(speaker, quote, article, venue, pageInfo, spanType *graphql.Object, node *graphql.Interface) *identity {
	nn := graphql.NewNonNull
	list := func(t graphql.Type) graphql.Type { return nn(graphql.NewList(nn(t))) }

	evidence := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Evidence",
		Description: "One reason for or against taking two names for one person.",
		Fields: graphql.Fields{
			"kind": &graphql.Field{Type: nn(graphql.String), Description: "surname, given-name, surname-only, title, venue, co-occurrence, shared-quote or decision.",
				Resolve: get(s, func(e graph.Evidence) any { return e.Kind })},
			"detail": &graphql.Field{Type: nn(graphql.String), Resolve: get(s, func(e graph.Evidence) any { return e.Detail })},
			"weight": &graphql.Field{Type: nn(graphql.Float), Description: "Positive for, negative against.", Resolve: get(s, func(e graph.Evidence) any { return e.Weight })},
		},
	})

	role := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Role",
		Description: "A title a speaker held when quoted, between the dates of the first and last articles that gave it.",
		Fields: graphql.Fields{
			"title":        &graphql.Field{Type: nn(graphql.String), Resolve: get(s, func(r graph.Role) any { return r.Title })},
			"organization": &graphql.Field{Type: graphql.String, Description: "The organization or country the title names.", Resolve: get(s, func(r graph.Role) any { return nullable(r.Organization) })},
			"from":         &graphql.Field{Type: graphql.String, Description: "ISO 8601; null when no article giving it was dated.", Resolve: get(s, func(r graph.Role) any { return formatTime(r.From) })},
			"to":           &graphql.Field{Type: graphql.String, Resolve: get(s, func(r graph.Role) any { return formatTime(r.To) })},
		},
	})

	merge := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Merge",
		Description: "A name merged into a speaker: which, with what it was matched, why and how sure.",
		Fields: graphql.Fields{
			"id":          &graphql.Field{Type: nn(graphql.ID), Description: "Pass to undoMerge.", Resolve: get(s, func(m graph.Merge) any { return encodeID(typeMerge, m.Member) })},
			"name":        &graphql.Field{Type: nn(graphql.String), Description: "The name merged.", Resolve: get(s, func(m graph.Merge) any { return m.Name })},
			"matchedWith": &graphql.Field{Type: nn(graphql.String), Description: "The name it was found to be.", Resolve: get(s, func(m graph.Merge) any { return m.IntoName })},
			"evidence":    &graphql.Field{Type: list(evidence), Resolve: get(s, func(m graph.Merge) any { return m.Evidence })},
			"confidence":  &graphql.Field{Type: nn(graphql.Float), Resolve: get(s, func(m graph.Merge) any { return m.Confidence })},
			"decidedBy":   &graphql.Field{Type: nn(graphql.String), Description: "auto or person.", Resolve: get(s, func(m graph.Merge) any { return m.By })},
			"at":          &graphql.Field{Type: graphql.String, Resolve: get(s, func(m graph.Merge) any { return formatTime(m.At) })},
		},
	})

	diffOp := graphql.NewObject(graphql.ObjectConfig{
		Name:        "DiffOp",
		Description: "A run of words of a word-level diff from the canonical text to a printing.",
		Fields: graphql.Fields{
			"op":   &graphql.Field{Type: nn(graphql.String), Description: "equal, delete (only in the canonical text) or insert (only in the printing).", Resolve: get(s, func(d graph.DiffOp) any { return d.Op })},
			"text": &graphql.Field{Type: nn(graphql.String), Resolve: get(s, func(d graph.DiffOp) any { return d.Text })},
		},
	})

	occurrence := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Occurrence",
		Description: "One printing of a quotation in one article, compared with the quotation's canonical text.",
		Fields: graphql.Fields{
			"text": &graphql.Field{Type: nn(graphql.String), Description: "The quotation as this article printed it.", Resolve: get(s, func(o graph.Occurrence) any { return o.Text })},
			"kind": &graphql.Field{Type: nn(graphql.String), Resolve: get(s, func(o graph.Occurrence) any { return o.Kind })},
			"article": &graphql.Field{Type: nn(article), Resolve: with(s, func(p graphql.ResolveParams, o graph.Occurrence) (any, error) {
				return load(p.Context, typeArticle, o.ArticleID, s.store.Article)
			})},
			"speaker": &graphql.Field{Type: speaker, Description: "Who this article says said it, as the canonical speaker.", Resolve: with(s, func(p graphql.ResolveParams, o graph.Occurrence) (any, error) {
				return ref(s, p.Context, typeSpeaker, o.SpeakerID, s.store.Speaker)
			})},
			"speakerName": &graphql.Field{Type: graphql.String, Description: "The speaker's name as this article gave it.", Resolve: get(s, func(o graph.Occurrence) any { return nullable(o.Speaker) })},
			"mention":     &graphql.Field{Type: graphql.String, Resolve: get(s, func(o graph.Occurrence) any { return nullable(o.Mention) })},
			"cue":         &graphql.Field{Type: graphql.String, Resolve: get(s, func(o graph.Occurrence) any { return nullable(o.Cue) })},
			"cueKind":     &graphql.Field{Type: nn(graphql.String), Description: "speech or stance, as this article's cue reports it.", Resolve: get(s, func(o graph.Occurrence) any { return o.CueKind })},
			"venue": &graphql.Field{Type: venue, Resolve: with(s, func(p graphql.ResolveParams, o graph.Occurrence) (any, error) {
				return ref(s, p.Context, typeVenue, o.VenueID, s.store.Venue)
			})},
			"spans": &graphql.Field{Type: list(spanType), Resolve: get(s, func(o graph.Occurrence) any {
				if o.Spans == nil {
					return []graph.Span{}
				}
				return o.Spans
			})},
			"published":       &graphql.Field{Type: graphql.String, Description: "The article's date.", Resolve: get(s, func(o graph.Occurrence) any { return formatTime(o.Published) })},
			"match":           &graphql.Field{Type: nn(graphql.String), Description: "How it joined the quote: first, exact, contained (a cut) or paraphrase.", Resolve: get(s, func(o graph.Occurrence) any { return o.Match })},
			"similarity":      &graphql.Field{Type: nn(graphql.Float), Description: "To the canonical text: 2·(words in common, in order) / (words of both), in [0, 1].", Resolve: get(s, func(o graph.Occurrence) any { return o.Similarity })},
			"fidelity":        &graphql.Field{Type: nn(graphql.Float), Description: "Share of this printing's words that are the canonical words in order; a faithful cut scores 1.", Resolve: get(s, func(o graph.Occurrence) any { return o.Fidelity })},
			"diff":            &graphql.Field{Type: list(diffOp), Description: "Word by word, from the canonical text to this printing.", Resolve: get(s, func(o graph.Occurrence) any { return nonNil(o.Diff) })},
			"misquote":        &graphql.Field{Type: nn(graphql.Boolean), Description: "A change may alter the meaning: a negation, a number or a word turned into its opposite.", Resolve: get(s, func(o graph.Occurrence) any { return len(o.Misquote) > 0 })},
			"misquoteReasons": &graphql.Field{Type: list(graphql.String), Resolve: get(s, func(o graph.Occurrence) any { return strs(o.Misquote) })},
		},
	})

	conflictSide := graphql.NewObject(graphql.ObjectConfig{
		Name:        "AttributionSide",
		Description: "One attribution of a quotation that articles give to different people.",
		Fields: graphql.Fields{
			"speaker": &graphql.Field{Type: nn(speaker), Resolve: with(s, func(p graphql.ResolveParams, c graph.ConflictSide) (any, error) {
				return load(p.Context, typeSpeaker, c.SpeakerID, s.store.Speaker)
			})},
			"name": &graphql.Field{Type: nn(graphql.String), Resolve: get(s, func(c graph.ConflictSide) any { return c.Name })},
			"articles": &graphql.Field{Type: list(article), Resolve: with(s, func(p graphql.ResolveParams, c graph.ConflictSide) (any, error) {
				var out []graph.Article
				for _, id := range c.Articles {
					a, err := load(p.Context, typeArticle, id, s.store.Article)
					if err != nil {
						return nil, err
					}
					out = append(out, a)
				}
				return nonNil(out), nil
			})},
		},
	})

	conflict := graphql.NewObject(graphql.ObjectConfig{
		Name:        "AttributionConflict",
		Description: "A quotation that articles attribute to people who cannot be one person, with both sides.",
		Fields: graphql.Fields{
			"quote": &graphql.Field{Type: nn(quote), Resolve: with(s, func(p graphql.ResolveParams, c graph.Conflict) (any, error) {
				return load(p.Context, typeQuote, c.QuoteID, s.store.Quote)
			})},
			"sides": &graphql.Field{Type: list(conflictSide), Resolve: get(s, func(c graph.Conflict) any { return c.Sides })},
		},
	})

	candidate := graphql.NewObject(graphql.ObjectConfig{
		Name:        "MergeCandidate",
		Description: "Two speakers that may be one person, offered for review: confirmMerge or rejectCandidate decides.",
		Interfaces:  []*graphql.Interface{node},
		Fields: graphql.Fields{
			"id": idField(s, typeCandidate, func(c graph.Candidate) uuid.UUID { return c.ID }),
			"speakers": &graphql.Field{Type: list(speaker), Resolve: with(s, func(p graphql.ResolveParams, c graph.Candidate) (any, error) {
				var out []graph.Speaker
				for _, id := range []uuid.UUID{c.A, c.B} {
					sp, err := load(p.Context, typeSpeaker, id, s.store.Speaker)
					if err != nil {
						return nil, err
					}
					out = append(out, sp)
				}
				return out, nil
			})},
			"names":      &graphql.Field{Type: list(graphql.String), Description: "The two names compared.", Resolve: get(s, func(c graph.Candidate) any { return []string{c.NameA, c.NameB} })},
			"evidence":   &graphql.Field{Type: list(evidence), Resolve: get(s, func(c graph.Candidate) any { return nonNil(c.Evidence) })},
			"confidence": &graphql.Field{Type: nn(graphql.Float), Resolve: get(s, func(c graph.Candidate) any { return c.Confidence })},
		},
	})
	s.candidateType = candidate

	candidateConn := connectionType(s, "MergeCandidate", candidate, pageInfo)
	conflictConn := connectionType(s, "AttributionConflict", conflict, pageInfo)

	copyEvidence := graphql.NewObject(graphql.ObjectConfig{
		Name:        "CopyEvidence",
		Description: "Why an article is taken for a copy or rewrite of another.",
		Fields: graphql.Fields{
			"score":        &graphql.Field{Type: nn(graphql.Float), Resolve: get(s, func(c graph.CopyLink) any { return c.Score })},
			"sharedQuotes": &graphql.Field{Type: nn(graphql.Int), Description: "Quotations both articles print.", Resolve: get(s, func(c graph.CopyLink) any { return c.SharedQuotes })},
			"textOverlap":  &graphql.Field{Type: nn(graphql.Float), Description: "Estimated Jaccard overlap of their word 3-grams.", Resolve: get(s, func(c graph.CopyLink) any { return c.TextOverlap })},
		},
	})

	review := graphql.NewObject(graphql.ObjectConfig{
		Name:        "Review",
		Description: "What identity resolution leaves to people: pairs of speakers that may be one, and quotations attributed to different people.",
		Fields: graphql.Fields{
			"candidates": &graphql.Field{Type: nn(candidateConn), Args: pageArgs(), Description: "Open merge candidates, oldest first.",
				Resolve: s.resolver(func(p graphql.ResolveParams) (any, error) {
					return paginate(p.Context, typeCandidate, p.Args, s.store.Candidates)
				})},
			"conflicts": &graphql.Field{Type: nn(conflictConn), Args: pageArgs(), Description: "Quotations whose articles disagree on who said them.",
				Resolve: s.resolver(func(p graphql.ResolveParams) (any, error) {
					return paginate(p.Context, "AttributionConflict", p.Args, s.store.Conflicts)
				})},
		},
	})

	idArg := func(name, desc string) graphql.FieldConfigArgument {
		return graphql.FieldConfigArgument{name: &graphql.ArgumentConfig{Type: nn(graphql.ID), Description: desc}}
	}

	return &identity{
		occurrence: occurrence,
		speaker: graphql.Fields{
			"roles": &graphql.Field{Type: list(role), Description: "Titles with the dates of the articles that gave them.",
				Resolve: get(s, func(v graph.Speaker) any { return nonNil(v.Roles) })},
			"merges": &graphql.Field{Type: list(merge), Description: "The names merged into this speaker, with their evidence.",
				Resolve: get(s, func(v graph.Speaker) any { return nonNil(v.Merges) })},
		},
		quote: graphql.Fields{
			"occurrences": &graphql.Field{Type: list(occurrence), Description: "Every printing of the quotation, earliest first.",
				Resolve: with(s, func(p graphql.ResolveParams, v graph.Quote) (any, error) {
					occs, err := s.store.Occurrences(p.Context, v.ID)
					return nonNil(occs), err
				})},
			"occurrenceCount": &graphql.Field{Type: nn(graphql.Int), Description: "How many articles printed it.", Resolve: get(s, func(v graph.Quote) any { return v.Occurrences })},
			"firstSeen":       &graphql.Field{Type: graphql.String, Description: "The date of the earliest article that printed it; null when none is dated.", Resolve: get(s, func(v graph.Quote) any { return formatTime(v.Published) })},
			"conflicts": &graphql.Field{Type: list(conflictSide), Description: "When articles attribute it to people who cannot be one person, each attribution; empty otherwise.",
				Resolve: with(s, func(p graphql.ResolveParams, v graph.Quote) (any, error) {
					if !v.Conflict {
						return []graph.ConflictSide{}, nil
					}
					c, err := s.store.Conflict(p.Context, v.ID)
					if err != nil || c == nil {
						return []graph.ConflictSide{}, err
					}
					return c.Sides, nil
				})},
		},
		article: graphql.Fields{
			"copyOf": &graphql.Field{Type: article, Description: "The article this one copies or rewrites; null when none was found.",
				Resolve: with(s, func(p graphql.ResolveParams, v graph.Article) (any, error) {
					if v.CopyOf == nil {
						return nil, nil
					}
					return ref(s, p.Context, typeArticle, v.CopyOf.Original, s.store.Article)
				})},
			"copyEvidence": &graphql.Field{Type: copyEvidence, Description: "Why it is taken for a copy; null when it is none.",
				Resolve: get(s, func(v graph.Article) any {
					if v.CopyOf == nil {
						return nil
					}
					return *v.CopyOf
				})},
			"copies": &graphql.Field{Type: list(article), Description: "Articles that copy or rewrite this one.",
				Resolve: with(s, func(p graphql.ResolveParams, v graph.Article) (any, error) {
					as, err := s.store.Copies(p.Context, v.ID)
					return nonNil(as), err
				})},
		},
		query: graphql.Fields{
			"review": &graphql.Field{Type: nn(review), Description: "Merge candidates and attribution conflicts, with their evidence.",
				Resolve: s.resolver(func(graphql.ResolveParams) (any, error) { return struct{}{}, nil })},
		},
		mutation: graphql.Fields{
			"confirmMerge": &graphql.Field{
				Type:        nn(speaker),
				Description: "Decides that two speakers are one person and merges them: give a candidate, or two speakers. The decision holds for later ingests and reindexes.",
				Args: graphql.FieldConfigArgument{
					"candidate": &graphql.ArgumentConfig{Type: graphql.ID, Description: "A MergeCandidate id."},
					"speakers":  &graphql.ArgumentConfig{Type: graphql.NewList(nn(graphql.ID)), Description: "Two Speaker ids."},
				},
				Resolve: s.resolver(s.confirmMerge),
			},
			"undoMerge": &graphql.Field{
				Type:        list(speaker),
				Description: "Takes a merged name (a Merge id from Speaker.merges), and the names merged through it, out of the speaker again, and decides the two are different people. Returns the speaker left and the one taken out.",
				Args:        idArg("merge", "A Merge id."),
				Resolve: s.resolver(func(p graphql.ResolveParams) (any, error) {
					raw, _ := p.Args["merge"].(string)
					id, err := decodeTypedID("merge", typeMerge, raw)
					if err != nil {
						return nil, err
					}
					return s.store.UndoMerge(p.Context, id)
				}),
			},
			"rejectCandidate": &graphql.Field{
				Type:        nn(candidate),
				Description: "Decides that the two speakers of a candidate are different people; they are never merged, also after a reindex.",
				Args:        idArg("candidate", "A MergeCandidate id."),
				Resolve: s.resolver(func(p graphql.ResolveParams) (any, error) {
					raw, _ := p.Args["candidate"].(string)
					id, err := decodeTypedID("candidate", typeCandidate, raw)
					if err != nil {
						return nil, err
					}
					return s.store.RejectCandidate(p.Context, id)
				}),
			},
		},
	}
}

// confirmMerge resolves Mutation.confirmMerge.
func (s *Schema) confirmMerge(p graphql.ResolveParams) (any, error) {
	rawCand, hasCand := p.Args["candidate"].(string)
	rawSpeakers, hasSpeakers := p.Args["speakers"].([]any)
	switch {
	case hasCand && hasSpeakers:
		return nil, inputErrorf("confirmMerge: give candidate or speakers, not both")
	case hasCand:
		id, err := decodeTypedID("candidate", typeCandidate, rawCand)
		if err != nil {
			return nil, err
		}
		return s.store.ConfirmCandidate(p.Context, id)
	case hasSpeakers:
		if len(rawSpeakers) != 2 {
			return nil, inputErrorf("speakers: give two speaker ids, not %d", len(rawSpeakers))
		}
		var ids [2]uuid.UUID
		for i, r := range rawSpeakers {
			raw, _ := r.(string)
			id, err := decodeTypedID("speakers", typeSpeaker, raw)
			if err != nil {
				return nil, err
			}
			ids[i] = id
		}
		return s.store.MergeSpeakers(p.Context, ids[0], ids[1], uuid.Nil)
	}
	return nil, inputErrorf("confirmMerge: give candidate or speakers")
}

// candidate resolves node(id) for a MergeCandidate id.
func (s *Schema) candidate(ctx context.Context, id uuid.UUID) (any, error) {
	c, err := s.store.Candidate(ctx, id)
	if errors.Is(err, graph.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// nonNil returns an empty slice for nil, so that lists are [] in JSON.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
