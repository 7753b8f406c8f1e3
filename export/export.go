// Package export takes the quote graph elsewhere: it writes the quotations
// a filter selects, with every printing of each (the articles that
// printed it, and what each printed), their speakers, venues, articles
// and outlets, from one consistent snapshot of the store, as
//
//	jsonl    one JSON object a line per quotation, quote-centric like
//	         Quotebank: the quotation, its speaker and its occurrences,
//	         one a printing, with the speaker records (merged names, with
//	         the evidence of each merge) and the articles (with the
//	         article each copies) the line is the first to mention;
//	         graphd import reads it back into an empty store, printings,
//	         merges, copies, review candidates and decisions included
//	nquads   RDF 1.1 N-Quads in the schema.org vocabulary (Quotation,
//	         Person, NewsArticle, NewsMediaOrganization,
//	         spokenByCharacter), each printing's statements in the graph
//	         of the article that printed it
//	graphml  GraphML for Gephi, yEd or NetworkX, an IN edge a printing,
//	         node and edge attributes declared with <key>
//	csv      node and relationship files with the headers of neo4j-admin
//	         database import (:ID, :LABEL, :START_ID, :END_ID, :TYPE),
//	         printings.csv a relationship a printing
//	dgraph   a Dgraph schema and RDF N-Quads that dgraph bulk and
//	         dgraph live load as they are: Speaker, Quote, Occurrence
//	         (a printing), Venue, Article and Outlet nodes whose
//	         predicates are named as in graphd's GraphQL (Speaker.name,
//	         Quote.text, Quote.speaker, …)
//
// An export with no filter is the whole graph, its quotations in the order
// they were stored: after them come the records no quotation reaches
// (speakers, venues, outlets and articles without quotes, and in JSON
// Lines the review candidates and decisions), so that importing it
// reproduces the store. A filtered export lists quotations by date, with
// what they reach: the whole cluster of each speaker record, and the
// articles that copied articles copy.
//
// The exported view of a quotation is built in one place, statement,
// from the printings Snapshot.Occurrences reads, earliest first.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"

	"github.com/graphd/graphd/graph"
)

// Format is an export format.
type Format string

// The formats.
const (
	JSONL   Format = "jsonl"
	NQuads  Format = "nquads"
	GraphML Format = "graphml"
	CSV     Format = "csv"
	Dgraph  Format = "dgraph"
)

// Formats lists the formats, for usage messages.
var Formats = []Format{JSONL, NQuads, GraphML, CSV, Dgraph}

// ErrFormat means a format name graphd does not know.
var ErrFormat = errors.New("unknown export format")

// ParseFormat reads a format name ("jsonl", "nquads", "graphml", "csv",
// "dgraph"; "ndjson", "nq" and "xml" too).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "jsonl", "ndjson", "json":
		return JSONL, nil
	case "nquads", "nq", "rdf":
		return NQuads, nil
	case "graphml", "xml":
		return GraphML, nil
	case "csv", "neo4j":
		return CSV, nil
	case "dgraph":
		return Dgraph, nil
	}
	return "", fmt.Errorf("%w %q (want jsonl, nquads, graphml, csv or dgraph)", ErrFormat, s)
}

// ContentType is the media type of an export in f; CSV and Dgraph
// exports over HTTP are zip files of their files.
func (f Format) ContentType() string {
	switch f {
	case JSONL:
		return "application/x-ndjson; charset=utf-8"
	case NQuads:
		return "application/n-quads; charset=utf-8"
	case GraphML:
		return "application/graphml+xml; charset=utf-8"
	case CSV, Dgraph:
		return "application/zip"
	}
	return "application/octet-stream"
}

// Extension is the file name extension of an export in f.
func (f Format) Extension() string {
	switch f {
	case JSONL:
		return ".jsonl"
	case NQuads:
		return ".nq"
	case GraphML:
		return ".graphml"
	case CSV, Dgraph:
		return ".zip"
	}
	return ""
}

// Files are the names of the files an export in f writes, in order,
// for the formats of several files (CSV, Dgraph); nil for the others.
func (f Format) Files() []string {
	switch f {
	case CSV:
		return CSVFiles
	case Dgraph:
		return DgraphFiles
	}
	return nil
}

// WriteFiles writes the export of store in a format of several files
// (CSV or Dgraph), each to the writer create returns for its name, one
// after the other.
func WriteFiles(ctx context.Context, store *graph.Store, f Format, create func(name string) (io.Writer, error), o Options) (Counts, error) {
	switch f {
	case CSV:
		return WriteCSV(ctx, store, create, o)
	case Dgraph:
		return WriteDgraph(ctx, store, create, o)
	}
	return Counts{}, fmt.Errorf("export: %s is one file: use Write", f)
}

// Options say what to export.
type Options struct {
	// Filter selects the quotations, oldest first (or newest, with
	// OrderNewest). The zero filter exports the whole graph.
	Filter graph.QuoteFilter
	// NoText leaves the articles' text out of a JSON Lines export, which
	// then cannot be imported. The other formats never carry it.
	NoText bool
}

// full reports whether o exports the whole graph.
func (o Options) full() bool {
	f := o.Filter
	return len(f.SpeakerIDs)+len(f.VenueIDs)+len(f.OutletIDs)+len(f.Kinds)+len(f.CueKinds)+len(f.SpeakerTypes) == 0 &&
		f.ArticleID == uuid.Nil && f.MinConfidence == 0 && f.Search == "" && f.From.IsZero() && f.To.IsZero()
}

// Counts says how much an export wrote: quotations, their printings,
// speaker records, venues, articles and outlets.
type Counts struct {
	Quotes, Printings, Speakers, Venues, Articles, Outlets int
}

// Write writes the export of store in format f (not CSV or Dgraph: see
// WriteCSV and WriteDgraph) to w, from one snapshot.
func Write(ctx context.Context, store *graph.Store, w io.Writer, f Format, o Options) (Counts, error) {
	src, err := open(ctx, store, o)
	if err != nil {
		return Counts{}, err
	}
	defer src.close()
	switch f {
	case JSONL:
		err = writeJSONL(src, w)
	case NQuads:
		err = writeNQuads(src, w)
	case GraphML:
		err = writeGraphML(src, w)
	case CSV:
		err = errors.New("export: CSV is several files: use WriteCSV")
	case Dgraph:
		err = errors.New("export: Dgraph is two files: use WriteDgraph")
	default:
		err = fmt.Errorf("export: %w %q", ErrFormat, f)
	}
	return src.counts, err
}

// source reads one snapshot for an export, keeping the speakers, venues,
// outlets and articles it has read.
type source struct {
	ctx    context.Context
	sn     *graph.Snapshot
	o      Options
	counts Counts

	people   map[uuid.UUID]*graph.Speaker       // canonical speakers
	records  map[uuid.UUID]*graph.SpeakerRecord // speaker records
	venues   map[uuid.UUID]*graph.Venue
	outlets  map[uuid.UUID]*graph.Outlet
	articles map[uuid.UUID]*graph.Article // without text
	// withText reads articles with their text, kept in texts until the
	// writer takes it.
	withText bool
	texts    map[uuid.UUID]string
}

func open(ctx context.Context, store *graph.Store, o Options) (*source, error) {
	sn, err := store.Snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return &source{
		ctx: ctx, sn: sn, o: o,
		people: map[uuid.UUID]*graph.Speaker{}, records: map[uuid.UUID]*graph.SpeakerRecord{}, venues: map[uuid.UUID]*graph.Venue{},
		outlets: map[uuid.UUID]*graph.Outlet{}, articles: map[uuid.UUID]*graph.Article{}, texts: map[uuid.UUID]string{},
	}, nil
}

func (s *source) close() { s.sn.Close() }

// cached reads a record once.
func cached[T any](m map[uuid.UUID]*T, id uuid.UUID, read func(uuid.UUID) (T, error)) (*T, error) {
	if v, ok := m[id]; ok {
		return v, nil
	}
	v, err := read(id)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	m[id] = &v
	return &v, nil
}

// person returns the canonical speaker with id, nil for uuid.Nil.
func (s *source) person(id uuid.UUID) (*graph.Speaker, error) {
	if id == uuid.Nil {
		return nil, nil
	}
	return cached(s.people, id, s.sn.Speaker)
}

// record returns the speaker record with id, nil for uuid.Nil.
func (s *source) record(id uuid.UUID) (*graph.SpeakerRecord, error) {
	if id == uuid.Nil {
		return nil, nil
	}
	return cached(s.records, id, s.sn.SpeakerRecord)
}

// cluster returns the speaker records of the cluster of record id, the
// canonical record first, then its members in the order they were
// merged.
func (s *source) cluster(id uuid.UUID) ([]*graph.SpeakerRecord, error) {
	r, err := s.record(id)
	if err != nil || r == nil {
		return nil, err
	}
	root := r
	if r.Canonical != uuid.Nil {
		if root, err = s.record(r.Canonical); err != nil {
			return nil, err
		}
	}
	out := []*graph.SpeakerRecord{root}
	for _, m := range root.Members {
		mr, err := s.record(m)
		if err != nil {
			return nil, err
		}
		out = append(out, mr)
	}
	return out, nil
}

func (s *source) venue(id uuid.UUID) (*graph.Venue, error) {
	if id == uuid.Nil {
		return nil, nil
	}
	return cached(s.venues, id, s.sn.Venue)
}

func (s *source) outlet(id uuid.UUID) (*graph.Outlet, error) {
	if id == uuid.Nil {
		return nil, nil
	}
	return cached(s.outlets, id, s.sn.Outlet)
}

// article returns an article without its text.
func (s *source) article(id uuid.UUID) (*graph.Article, error) {
	if !s.withText {
		return cached(s.articles, id, s.sn.ArticleMeta)
	}
	return cached(s.articles, id, func(id uuid.UUID) (graph.Article, error) {
		a, err := s.sn.Article(id)
		s.texts[id], a.Text = a.Text, ""
		return a, err
	})
}

// text returns an article's text, once.
func (s *source) text(id uuid.UUID) (string, error) {
	if t, ok := s.texts[id]; ok {
		delete(s.texts, id)
		return t, nil
	}
	a, err := s.sn.Article(id)
	return a.Text, err
}

// An occurrence is a quotation as one article printed it: the text, kind,
// spans, cue, mention, speaker and venue as printed, and how it compares
// with the quotation's canonical text.
type occurrence struct {
	graph.Occurrence
	article *graph.Article
	venue   *graph.Venue
}

// statement is a quotation as exports see it: what was said, by whom,
// and every printing of it, earliest first.
type statement struct {
	quote       graph.Quote
	speaker     *graph.Speaker // the canonical speaker of the first printing
	occurrences []occurrence
}

// statement builds the exported view of q from its printings.
func (s *source) statement(q graph.Quote) (statement, error) {
	st := statement{quote: q}
	occs, err := s.sn.Occurrences(q)
	if err != nil {
		return st, fmt.Errorf("export: %w", err)
	}
	if len(occs) == 0 {
		return st, fmt.Errorf("export: quote %s has no printings", q.ID)
	}
	st.occurrences = make([]occurrence, len(occs))
	for i, o := range occs {
		oc := &st.occurrences[i]
		oc.Occurrence = o
		if oc.article, err = s.article(o.ArticleID); err != nil {
			return st, err
		}
		if oc.venue, err = s.venue(o.VenueID); err != nil {
			return st, err
		}
	}
	st.speaker, err = s.person(occs[0].SpeakerID)
	return st, err
}

// printed reports whether the printing's text is not the quotation's
// canonical text, which the formats other than JSON Lines give only then.
func (st statement) printed(oc occurrence) bool { return oc.Text != st.quote.Text }

// quotes calls fn with every quote the filter selects, in each's order.
func (s *source) quotes(fn func(graph.Quote) error) error {
	if s.o.full() && s.o.Filter.Order == graph.OrderDate {
		return s.sn.AllQuotes(s.ctx, fn)
	}
	return s.sn.Quotes(s.ctx, s.o.Filter, fn)
}

// each calls fn with every quotation the filter selects: by date, or
// for the whole graph in the order they were stored, which reads the
// store in key order.
func (s *source) each(fn func(statement) error) error {
	each := func(q graph.Quote) error {
		st, err := s.statement(q)
		if err != nil {
			return err
		}
		s.counts.Quotes++
		return fn(st)
	}
	return s.quotes(each)
}

// unreached calls the functions with the records of a full export that
// no quotation reached, in the order they were created; nothing for a
// filtered export.
func (s *source) unreached(speaker func(graph.SpeakerRecord) error, venue func(graph.Venue) error,
	outlet func(graph.Outlet) error, article func(graph.Article) error) error {
	if !s.o.full() {
		return nil
	}
	err := s.sn.SpeakerRecords(s.ctx, func(v graph.SpeakerRecord) error {
		if _, ok := s.records[v.ID]; ok {
			return nil
		}
		s.records[v.ID] = &v
		return speaker(v)
	})
	if err == nil {
		err = s.sn.Venues(s.ctx, func(v graph.Venue) error {
			if _, ok := s.venues[v.ID]; ok {
				return nil
			}
			return venue(v)
		})
	}
	// Articles no quotation reached, with the outlets they reach; then
	// the outlets nothing reaches.
	var lone []uuid.UUID
	if err == nil {
		err = s.sn.ArticleIDs(s.ctx, func(id uuid.UUID) error {
			if _, ok := s.articles[id]; !ok {
				lone = append(lone, id)
			}
			return nil
		})
	}
	reached := map[uuid.UUID]bool{}
	for id := range s.outlets {
		reached[id] = true
	}
	for _, id := range lone {
		if err != nil {
			break
		}
		var a graph.Article
		if a, err = s.sn.ArticleMeta(id); err == nil {
			reached[a.OutletID] = true
			err = article(a)
		}
	}
	if err == nil {
		err = s.sn.Outlets(s.ctx, func(v graph.Outlet) error {
			if reached[v.ID] {
				return nil
			}
			return outlet(v)
		})
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// speakerType is the type of a speaker record: one with none was stored
// when every speaker was a person.
func speakerType(t string) string {
	if t == "" {
		return graph.SpeakerPerson
	}
	return t
}

// typeLabel is the node label of each speaker type in a property graph.
var typeLabel = map[string]string{
	graph.SpeakerPerson: "Person", graph.SpeakerOrganization: "Organization", graph.SpeakerGroup: "Group",
	graph.SpeakerPlace: "Place", graph.SpeakerDocument: "Document", graph.SpeakerGeneric: "Generic",
}
