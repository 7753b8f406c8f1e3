package export

import (
	"bufio"
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
)

// Dgraph: two files that Dgraph's loaders take as they are,
//
//	graphd.schema  the predicates with their types and indexes, and the
//	               types, for dgraph bulk -s and dgraph live -s
//	graphd.rdf     RDF N-Quads for dgraph bulk -f and dgraph live -f:
//	               every node a blank node named by its graphd id
//	               (_:<uuid>), with a dgraph.type and a <Type>.id holding
//	               the id; values typed with the xs: names Dgraph reads
//
// The predicates are named as Dgraph's own GraphQL names them, Type.field,
// after the fields of graphd's GraphQL schema where there is one:
//
//	Speaker     a person: id, name, aliases (every other name printed,
//	            those merged into it included), titles, roles (Role:
//	            title, organization, from, to) and merges (Merge: a name
//	            merged into the person: id, the speaker record's; name,
//	            matchedWith, confidence, decidedBy, at, evidence
//	            (Evidence: kind, detail, weight))
//	Quote       a statement: id, text (canonical), stems, kind,
//	            confidence, cue, mention, firstSeen, speaker, venue and
//	            article (those of its first printing), conflict (only when
//	            true) and occurrences, one per printing
//	Occurrence  a printing: id, article, speaker (the person) and
//	            speakerName (as printed), venue, kind, confidence, cue,
//	            mention, match (and score unless first); when its text is
//	            not the quote's canonical text, text, similarity, fidelity
//	            and misquoteReasons
//	Venue       id, name, kind
//	Article     id, title, url, published, sourceId, contentHash,
//	            ingested, outlet and copyOf (the article it copies, with
//	            the facets score, sharedQuotes and textOverlap)
//	Outlet      id, name
//
// Quote.stems holds the stems of the words of the text as graphd's search
// groups them (graph.SearchStems), space-separated, with a term index: a
// search's words are allofterms(Quote.stems, "<their stems>"), the same
// quotations graphd finds (Quote.text's fulltext index is Dgraph's own
// analysis: the first Porter stemmer, apostrophes and diacritics kept).
//
// The edges walked backwards are @reverse: ~Quote.speaker, ~Quote.venue,
// ~Quote.article, ~Quote.occurrences, ~Occurrence.speaker,
// ~Occurrence.venue, ~Occurrence.article, ~Speaker.merges,
// ~Article.outlet and ~Article.copyOf (the copies). Review candidates, decisions and article
// text stay in graphd.

// DgraphFiles are the names of the files WriteDgraph writes, in order.
var DgraphFiles = []string{"graphd.schema", "graphd.rdf"}

// DgraphSchema is the Dgraph schema of the export, the first file.
const DgraphSchema = `# graphd's quote graph for Dgraph (graphd export --format dgraph).
# Load with: dgraph bulk -s graphd.schema -f graphd.rdf, or dgraph live -s graphd.schema -f graphd.rdf.

Speaker.id: string @index(exact) @upsert .
Speaker.name: string @index(exact, term) .
Speaker.type: string @index(exact) .
Speaker.aliases: [string] @index(exact, term) .
Speaker.titles: [string] @index(term) .
Speaker.roles: [uid] .
Speaker.merges: [uid] @reverse .

Role.title: string @index(term) .
Role.organization: string @index(exact) .
Role.from: datetime .
Role.to: datetime .

Merge.id: string @index(exact) @upsert .
Merge.name: string @index(exact, term) .
Merge.matchedWith: string .
Merge.confidence: float .
Merge.decidedBy: string @index(exact) .
Merge.at: datetime .
Merge.evidence: [uid] .

Evidence.kind: string @index(exact) .
Evidence.detail: string .
Evidence.weight: float .

Quote.id: string @index(exact) @upsert .
Quote.text: string @index(fulltext) .
Quote.stems: string @index(term) .
Quote.kind: string @index(exact) .
Quote.cueKind: string @index(exact) .
Quote.confidence: float @index(float) .
Quote.cue: string @index(exact) .
Quote.mention: string .
Quote.firstSeen: datetime @index(day) .
Quote.speaker: uid @reverse .
Quote.venue: uid @reverse .
Quote.article: uid @reverse .
Quote.conflict: bool @index(bool) .
Quote.occurrences: [uid] @reverse @count .

Occurrence.id: string @index(exact) @upsert .
Occurrence.text: string .
Occurrence.kind: string @index(exact) .
Occurrence.cueKind: string @index(exact) .
Occurrence.confidence: float .
Occurrence.cue: string .
Occurrence.mention: string .
Occurrence.article: uid @reverse .
Occurrence.speaker: uid @reverse .
Occurrence.speakerName: string @index(exact) .
Occurrence.venue: uid @reverse .
Occurrence.match: string @index(exact) .
Occurrence.score: float .
Occurrence.similarity: float .
Occurrence.fidelity: float .
Occurrence.misquoteReasons: [string] .

Venue.id: string @index(exact) @upsert .
Venue.name: string @index(exact, term) .
Venue.kind: string @index(exact) .

Article.id: string @index(exact) @upsert .
Article.title: string @index(term) .
Article.url: string @index(exact) .
Article.published: datetime @index(day) .
Article.sourceId: string @index(exact) .
Article.contentHash: string @index(exact) .
Article.ingested: datetime .
Article.outlet: uid @reverse .
Article.copyOf: uid @reverse .

Outlet.id: string @index(exact) @upsert .
Outlet.name: string @index(exact, term) .

type Speaker {
	Speaker.id
	Speaker.name
	Speaker.type
	Speaker.aliases
	Speaker.titles
	Speaker.roles
	Speaker.merges
}

type Role {
	Role.title
	Role.organization
	Role.from
	Role.to
}

type Merge {
	Merge.id
	Merge.name
	Merge.matchedWith
	Merge.confidence
	Merge.decidedBy
	Merge.at
	Merge.evidence
}

type Evidence {
	Evidence.kind
	Evidence.detail
	Evidence.weight
}

type Quote {
	Quote.id
	Quote.text
	Quote.stems
	Quote.kind
	Quote.cueKind
	Quote.confidence
	Quote.cue
	Quote.mention
	Quote.firstSeen
	Quote.speaker
	Quote.venue
	Quote.article
	Quote.conflict
	Quote.occurrences
}

type Occurrence {
	Occurrence.id
	Occurrence.text
	Occurrence.kind
	Occurrence.cueKind
	Occurrence.confidence
	Occurrence.cue
	Occurrence.mention
	Occurrence.article
	Occurrence.speaker
	Occurrence.speakerName
	Occurrence.venue
	Occurrence.match
	Occurrence.score
	Occurrence.similarity
	Occurrence.fidelity
	Occurrence.misquoteReasons
}

type Venue {
	Venue.id
	Venue.name
	Venue.kind
}

type Article {
	Article.id
	Article.title
	Article.url
	Article.published
	Article.sourceId
	Article.contentHash
	Article.ingested
	Article.outlet
	Article.copyOf
}

type Outlet {
	Outlet.id
	Outlet.name
}
`

// WriteDgraph writes the export of store for Dgraph: DgraphSchema, then
// the N-Quads, each to the writer create returns for its name, one after
// the other.
func WriteDgraph(ctx context.Context, store *graph.Store, create func(name string) (io.Writer, error), o Options) (Counts, error) {
	w, err := create(DgraphFiles[0])
	if err != nil {
		return Counts{}, err
	}
	if _, err := io.WriteString(w, DgraphSchema); err != nil {
		return Counts{}, err
	}
	if w, err = create(DgraphFiles[1]); err != nil {
		return Counts{}, err
	}
	s, err := open(ctx, store, o)
	if err != nil {
		return Counts{}, err
	}
	defer s.close()
	err = writeDgraphRDF(s, w)
	return s.counts, err
}

// blank is the blank node of the record with id: its graphd id, which the
// loaders map to a uid.
func blank(id uuid.UUID) string { return "_:" + id.String() }

// dgraphTime is a datetime as Dgraph reads it: RFC 3339, UTC.
func dgraphTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func dgraphFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// facetFloat formats a facet that must read back as a float: Dgraph takes
// a facet value that parses as an integer for an int.
func facetFloat(f float64) string {
	s := dgraphFloat(f)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

type dgraphWriter struct {
	*quadWriter
	s       *source
	emitted map[uuid.UUID]bool
	stems   graph.Stemmer
}

// node starts a node: its type and its id.
func (d *dgraphWriter) node(n, typ string, id uuid.UUID) {
	d.lit(n, "<dgraph.type>", typ, "", "")
	d.lit(n, "<"+typ+".id>", id.String(), "", "")
}

// str writes a string value, unless it is empty.
func (d *dgraphWriter) str(n, pred, v string) {
	if v != "" {
		d.lit(n, pred, v, "", "")
	}
}

func (d *dgraphWriter) float(n, pred string, f float64) {
	d.lit(n, pred, dgraphFloat(f), "float", "")
}

// time writes a datetime, unless it is zero.
func (d *dgraphWriter) time(n, pred string, t time.Time) {
	if !t.IsZero() {
		d.lit(n, pred, dgraphTime(t), "dateTime", "")
	}
}

// speaker writes the person with the speaker record id, with every name
// merged into it, once; it returns the person's node, "" for uuid.Nil.
func (d *dgraphWriter) speaker(id uuid.UUID) (string, error) {
	if id == uuid.Nil {
		return "", nil
	}
	sp, err := d.s.person(id)
	if err != nil {
		return "", err
	}
	n := blank(sp.ID)
	if d.emitted[sp.ID] {
		return n, nil
	}
	d.emitted[sp.ID] = true
	d.s.counts.Speakers++
	d.node(n, "Speaker", sp.ID)
	d.lit(n, "<Speaker.name>", sp.Name, "", "")
	for _, a := range sp.Aliases {
		d.lit(n, "<Speaker.aliases>", a, "", "")
	}
	for _, t := range sp.Titles {
		d.lit(n, "<Speaker.titles>", t, "", "")
	}
	// the kind of entity (person, organization, group, place,
	// document); none on a record stored before speakers had types
	d.str(n, "<Speaker.type>", sp.Type)
	for i, r := range sp.Roles {
		rn := n + ".role" + strconv.Itoa(i)
		d.quad(n, "<Speaker.roles>", rn, "")
		d.lit(rn, "<dgraph.type>", "Role", "", "")
		d.lit(rn, "<Role.title>", r.Title, "", "")
		d.str(rn, "<Role.organization>", r.Organization)
		d.time(rn, "<Role.from>", r.From)
		d.time(rn, "<Role.to>", r.To)
	}
	for _, m := range sp.Merges {
		d.emitted[m.Member] = true
		d.s.counts.Speakers++
		mn := blank(m.Member)
		d.quad(n, "<Speaker.merges>", mn, "")
		d.node(mn, "Merge", m.Member)
		d.lit(mn, "<Merge.name>", m.Name, "", "")
		d.str(mn, "<Merge.matchedWith>", m.IntoName)
		d.float(mn, "<Merge.confidence>", m.Confidence)
		d.str(mn, "<Merge.decidedBy>", m.By)
		d.time(mn, "<Merge.at>", m.At)
		for i, e := range m.Evidence {
			en := mn + ".evidence" + strconv.Itoa(i)
			d.quad(mn, "<Merge.evidence>", en, "")
			d.lit(en, "<dgraph.type>", "Evidence", "", "")
			d.lit(en, "<Evidence.kind>", e.Kind, "", "")
			d.str(en, "<Evidence.detail>", e.Detail)
			d.float(en, "<Evidence.weight>", e.Weight)
		}
	}
	return n, nil
}

func (d *dgraphWriter) venue(v *graph.Venue) string {
	if v == nil {
		return ""
	}
	n := blank(v.ID)
	if d.emitted[v.ID] {
		return n
	}
	d.emitted[v.ID] = true
	d.s.counts.Venues++
	d.node(n, "Venue", v.ID)
	d.lit(n, "<Venue.name>", v.Name, "", "")
	d.str(n, "<Venue.kind>", v.Kind)
	return n
}

func (d *dgraphWriter) outlet(o *graph.Outlet) string {
	n := blank(o.ID)
	if d.emitted[o.ID] {
		return n
	}
	d.emitted[o.ID] = true
	d.s.counts.Outlets++
	d.node(n, "Outlet", o.ID)
	d.lit(n, "<Outlet.name>", o.Name, "", "")
	return n
}

// article writes an article, its outlet and the articles it copies,
// once.
func (d *dgraphWriter) article(a *graph.Article) error {
	for a != nil && !d.emitted[a.ID] {
		d.emitted[a.ID] = true
		d.s.counts.Articles++
		n := blank(a.ID)
		d.node(n, "Article", a.ID)
		d.str(n, "<Article.title>", a.Title)
		d.str(n, "<Article.url>", a.URL)
		d.time(n, "<Article.published>", a.Published)
		d.str(n, "<Article.sourceId>", a.SourceID)
		d.str(n, "<Article.contentHash>", a.Hash)
		d.time(n, "<Article.ingested>", a.Ingested)
		if a.OutletID != uuid.Nil {
			o, err := d.s.outlet(a.OutletID)
			if err != nil {
				return err
			}
			d.quad(n, "<Article.outlet>", d.outlet(o), "")
		}
		c := a.CopyOf
		if c == nil {
			break
		}
		d.quad(n, "<Article.copyOf>", blank(c.Original)+" (score="+facetFloat(c.Score)+", sharedQuotes="+
			strconv.Itoa(c.SharedQuotes)+", textOverlap="+facetFloat(c.TextOverlap)+")", "")
		var err error
		if a, err = d.s.article(c.Original); err != nil {
			return err
		}
	}
	return nil
}

// statement writes a quotation and its printings, with what they reach.
func (d *dgraphWriter) statement(st statement) error {
	q := st.quote
	n := blank(q.ID)
	for _, oc := range st.occurrences {
		if err := d.article(oc.article); err != nil {
			return err
		}
	}
	d.node(n, "Quote", q.ID)
	d.lit(n, "<Quote.text>", q.Text, "", "")
	d.str(n, "<Quote.stems>", strings.Join(d.stems.Stems(q.Text), " "))
	d.lit(n, "<Quote.kind>", q.Kind, "", "")
	d.lit(n, "<Quote.cueKind>", q.CueKind, "", "")
	d.float(n, "<Quote.confidence>", q.Confidence)
	d.str(n, "<Quote.cue>", q.Cue)
	d.str(n, "<Quote.mention>", q.Mention)
	d.time(n, "<Quote.firstSeen>", q.Published)
	if st.speaker != nil {
		sn, err := d.speaker(st.speaker.ID)
		if err != nil {
			return err
		}
		d.quad(n, "<Quote.speaker>", sn, "")
	}
	if q.VenueID != uuid.Nil {
		v, err := d.s.venue(q.VenueID)
		if err != nil {
			return err
		}
		d.quad(n, "<Quote.venue>", d.venue(v), "")
	}
	first, err := d.s.article(q.ArticleID)
	if err == nil {
		err = d.article(first)
	}
	if err != nil {
		return err
	}
	d.quad(n, "<Quote.article>", blank(q.ArticleID), "")
	if q.Conflict {
		d.lit(n, "<Quote.conflict>", "true", "boolean", "")
	}
	for _, oc := range st.occurrences {
		d.s.counts.Printings++
		on := blank(oc.ID)
		d.quad(n, "<Quote.occurrences>", on, "")
		d.node(on, "Occurrence", oc.ID)
		d.quad(on, "<Occurrence.article>", blank(oc.article.ID), "")
		sn, err := d.speaker(oc.SpeakerID)
		if err != nil {
			return err
		}
		if sn != "" {
			d.quad(on, "<Occurrence.speaker>", sn, "")
		}
		d.str(on, "<Occurrence.speakerName>", oc.Speaker)
		if vn := d.venue(oc.venue); vn != "" {
			d.quad(on, "<Occurrence.venue>", vn, "")
		}
		d.lit(on, "<Occurrence.kind>", oc.Kind, "", "")
		d.lit(on, "<Occurrence.cueKind>", oc.CueKind, "", "")
		d.float(on, "<Occurrence.confidence>", oc.Confidence)
		d.str(on, "<Occurrence.cue>", oc.Cue)
		d.str(on, "<Occurrence.mention>", oc.Mention)
		d.lit(on, "<Occurrence.match>", oc.Match, "", "")
		if oc.Match != "first" {
			d.float(on, "<Occurrence.score>", oc.Score)
		}
		if st.printed(oc) {
			d.lit(on, "<Occurrence.text>", oc.Text, "", "")
			d.float(on, "<Occurrence.similarity>", oc.Similarity)
			d.float(on, "<Occurrence.fidelity>", oc.Fidelity)
			for _, m := range oc.Misquote {
				d.lit(on, "<Occurrence.misquoteReasons>", m, "", "")
			}
		}
	}
	return d.err
}

func writeDgraphRDF(s *source, w io.Writer) error {
	d := &dgraphWriter{
		quadWriter: &quadWriter{w: bufio.NewWriterSize(w, 256<<10), types: "xs:"},
		s:          s, emitted: map[uuid.UUID]bool{},
	}
	if err := s.each(d.statement); err != nil {
		return err
	}
	err := s.unreached(
		func(v graph.SpeakerRecord) error {
			_, err := d.speaker(v.ID)
			if err == nil {
				err = d.err
			}
			return err
		},
		func(v graph.Venue) error { d.venue(&v); return d.err },
		func(v graph.Outlet) error { d.outlet(&v); return d.err },
		func(a graph.Article) error {
			if err := d.article(&a); err != nil {
				return err
			}
			return d.err
		})
	if err != nil {
		return err
	}
	if d.err != nil {
		return d.err
	}
	return d.w.Flush()
}
